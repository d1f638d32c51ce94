// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Actionable.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import java.util.List;

/** A model object that carries {@link Action}s. */
public abstract class Actionable implements ModelObject {

    public final List<? extends Action> getAllActions() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public <T extends Action> T getAction(Class<T> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public void addAction(@NonNull Action a) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public void replaceAction(@NonNull Action a) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean addOrReplaceAction(@NonNull Action a) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean removeAction(@Nullable Action a) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean removeActions(@NonNull Class<? extends Action> clazz) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}

// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/TransientActionFactory.java
package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.model.Action;
import java.util.Collection;

/** Adds actions to every model object of a type (a job, a build) without storing them; registered with @Extension. */
public abstract class TransientActionFactory<T> implements ExtensionPoint {

    public abstract Class<T> type();

    public Class<? extends Action> actionType() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public abstract @NonNull Collection<? extends Action> createFor(@NonNull T target);
}

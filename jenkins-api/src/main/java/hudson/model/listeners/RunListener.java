// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/listeners/RunListener.java
package hudson.model.listeners;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.model.Run;
import hudson.model.TaskListener;

/**
 * Told when builds start, complete and are deleted. Mirror behaviour: the no-argument constructor leaves {@link
 * #targetType} null (the real one reads it from the subclass's type argument) and the callbacks do nothing, so a listener
 * can be constructed and called in unit tests.
 */
public abstract class RunListener<R extends Run> implements ExtensionPoint {
    public final Class<R> targetType;

    protected RunListener(Class<R> targetType) {
        this.targetType = targetType;
    }

    protected RunListener() {
        this.targetType = null;
    }

    public void onCompleted(R r, @NonNull TaskListener listener) {}

    public void onFinalized(R r) {}

    public void onStarted(R r, TaskListener listener) {}

    public void onDeleted(R r) {}
}

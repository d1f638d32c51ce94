// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/InvisibleAction.java
package hudson.model;

/** An action with no icon and no link. */
public abstract class InvisibleAction implements Action {
    @Override
    public final String getIconFileName() {
        return null;
    }

    @Override
    public final String getDisplayName() {
        return null;
    }

    @Override
    public String getUrlName() {
        return null;
    }
}

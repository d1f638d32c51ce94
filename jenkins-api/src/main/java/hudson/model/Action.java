// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Action.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/** Something attached to a model object (a build, a job) that may show on its page and own a URL. */
public interface Action extends ModelObject {
    @CheckForNull
    String getIconFileName();

    @Override
    @CheckForNull
    String getDisplayName();

    @CheckForNull
    String getUrlName();
}

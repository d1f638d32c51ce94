// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/RunAction2.java
package jenkins.model;

import hudson.model.Action;
import hudson.model.Run;

/** An action on a build that is told when it is attached and when the build is loaded from disk. */
public interface RunAction2 extends Action {
    void onAttached(Run<?, ?> r);

    void onLoad(Run<?, ?> r);
}

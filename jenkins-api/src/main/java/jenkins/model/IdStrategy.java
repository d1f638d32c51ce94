// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/IdStrategy.java
package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import java.util.Comparator;

/** How user or group ids compare (case-sensitive or not). */
public abstract class IdStrategy implements ExtensionPoint, Comparator<String> {
    // Not final in Jenkins either.
    public static IdStrategy CASE_INSENSITIVE = null;

    public boolean equals(@NonNull String id1, @NonNull String id2) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public abstract int compare(@NonNull String id1, @NonNull String id2);
}

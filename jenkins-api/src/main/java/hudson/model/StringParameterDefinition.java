// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/StringParameterDefinition.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;

/** A one-line text parameter. */
public class StringParameterDefinition extends SimpleParameterDefinition {

    public StringParameterDefinition(
            @NonNull String name, @CheckForNull String defaultValue, @CheckForNull String description) {
        super(name);
    }
}

// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/SimpleParameterDefinition.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;

/** A parameter whose value is made from one string. */
public abstract class SimpleParameterDefinition extends ParameterDefinition {

    protected SimpleParameterDefinition(@NonNull String name) {
        super(name);
    }
}

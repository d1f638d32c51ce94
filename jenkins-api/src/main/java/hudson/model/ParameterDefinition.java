// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/ParameterDefinition.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import java.io.Serializable;

/** A build or input parameter: its name, and the form field it is given in. */
public abstract class ParameterDefinition implements Describable<ParameterDefinition>, ExtensionPoint, Serializable {

    protected ParameterDefinition(@NonNull String name) {}
}

// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/GlobalConfiguration.java
package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionList;
import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Descriptor;

/**
 * A section of Manage Jenkins → System. The real {@code configure(StaplerRequest2, JSONObject)} binds the submitted
 * form through the subclass's {@code @DataBoundSetter}s; it is not mirrored because its JSON type (json-lib) is not on
 * Maven Central and subclasses that keep the default never name it.
 */
public abstract class GlobalConfiguration extends Descriptor<GlobalConfiguration>
        implements ExtensionPoint, Describable<GlobalConfiguration> {

    @SuppressWarnings("unchecked")
    protected GlobalConfiguration() {
        super(self());
    }

    @Override
    public final Descriptor<GlobalConfiguration> getDescriptor() {
        return this;
    }

    public String getGlobalConfigPage() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull ExtensionList<GlobalConfiguration> all() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}

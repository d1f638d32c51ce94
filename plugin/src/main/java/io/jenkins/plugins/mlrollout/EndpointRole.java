package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import java.util.List;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * One row of an endpoint's responsibility matrix: a role (model-owner, platform, risk, ...), the users and groups who
 * hold it, whom to escalate to when a gate waits for it too long, and how many of its holders every sign-off on the
 * endpoint needs at least.
 */
public class EndpointRole implements Describable<EndpointRole> {

    private final String name;
    private String members;
    private String escalation;
    private int minimumQuorum;

    @DataBoundConstructor
    public EndpointRole(String name) {
        this.name = FieldRules.accept("name", name, FieldRules::endpointName);
    }

    /** What a policy's {@code signOff.roles} names. */
    public String getName() {
        return name;
    }

    /** User ids and group names, separated by commas or white space, as typed; {@code null} for none. */
    public @CheckForNull String getMembers() {
        return members;
    }

    @DataBoundSetter
    public void setMembers(@CheckForNull String members) {
        this.members = FieldRules.trimToNull(members);
    }

    /** User ids or addresses to tell when a gate waits too long for this role, as typed; {@code null} for none. */
    public @CheckForNull String getEscalation() {
        return escalation;
    }

    @DataBoundSetter
    public void setEscalation(@CheckForNull String escalation) {
        this.escalation = FieldRules.trimToNull(escalation);
    }

    /** How many holders must approve at every sign-off on this endpoint; 0 when only a policy asks for the role. */
    public int getMinimumQuorum() {
        return minimumQuorum;
    }

    @DataBoundSetter
    public void setMinimumQuorum(int minimumQuorum) {
        FieldRules.nonNegative(minimumQuorum).ifPresent(problem -> {
            throw new IllegalArgumentException("roles: " + name + ": minimumQuorum: " + problem);
        });
        this.minimumQuorum = minimumQuorum;
    }

    ResponsibilityMatrix.Role toRole() {
        return new ResponsibilityMatrix.Role(
                FieldRules.splitNames(members), FieldRules.splitNames(escalation), minimumQuorum);
    }

    /** The role's form, one of the endpoint's repeatable rows. */
    @Extension
    public static class DescriptorImpl extends Descriptor<EndpointRole> {

        @Override
        public String getDisplayName() {
            return Messages.EndpointRole_DisplayName();
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::endpointName);
        }

        @POST
        public FormValidation doCheckMembers(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::required);
        }

        @POST
        public FormValidation doCheckMinimumQuorum(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::nonNegativeInteger);
        }
    }

    /** For messages: {@code role 'risk'}. */
    @Override
    public String toString() {
        return "role '" + name + "'";
    }

    static List<String> names(List<EndpointRole> roles) {
        return roles.stream().map(EndpointRole::getName).toList();
    }
}

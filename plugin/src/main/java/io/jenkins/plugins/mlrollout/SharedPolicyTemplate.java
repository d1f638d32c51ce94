package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyTemplate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A policy template as an administrator defined it in Jenkins: a name, a version and the template's text (a policy with
 * {@code ${param}} placeholders and a {@code parameters:} section; see docs/policy.md, "Templates"). Pipelines use it
 * with {@code mlCanary template: 'name', templateParams: [...]}. Bound by the form and by configuration-as-code through
 * the same constructor and setter, which refuse a bad name or version.
 */
public class SharedPolicyTemplate implements Describable<SharedPolicyTemplate> {

    private final String name;
    private final int version;
    private final String body;
    private String description;

    /**
     * @param name lower-case letters, digits and -
     * @param version 1 or more; several versions of one name may be defined side by side
     * @param body the template's text
     */
    @DataBoundConstructor
    public SharedPolicyTemplate(String name, int version, String body) {
        this.name = FieldRules.accept("name", name, PolicyTemplate::nameProblem);
        if (version < 1) {
            throw new IllegalArgumentException("version: must be 1 or more, not " + version);
        }
        this.version = version;
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("body: is required");
        }
        this.body = body;
    }

    public String getName() {
        return name;
    }

    public int getVersion() {
        return version;
    }

    public String getBody() {
        return body;
    }

    /** What the template is for, for the people who choose one; {@code null} for none. */
    public @CheckForNull String getDescription() {
        return description;
    }

    @DataBoundSetter
    public void setDescription(@CheckForNull String description) {
        this.description = FieldRules.trimToNull(description);
    }

    /**
     * {@code templates} as given ({@code null} as none), refused when one name and version appear twice: the rule of
     * every place that defines templates (the global configuration, a folder).
     */
    static List<SharedPolicyTemplate> unique(@CheckForNull List<SharedPolicyTemplate> templates) {
        List<SharedPolicyTemplate> given = templates == null ? List.of() : templates;
        Set<String> seen = new HashSet<>();
        for (SharedPolicyTemplate template : given) {
            if (!seen.add(template.getName() + "@" + template.getVersion())) {
                throw new IllegalArgumentException(
                        Messages.MlRolloutConfiguration_DuplicateTemplate(template.getName(), template.getVersion()));
            }
        }
        return given;
    }

    /** The core's template: what resolves the policy and makes the digest. */
    PolicyTemplate template() {
        return new PolicyTemplate(name, version, body);
    }

    @Override
    public String toString() {
        return "template '" + name + "' v" + version;
    }

    /** The template's form. */
    @Extension
    @Symbol("policyTemplate")
    public static class DescriptorImpl extends Descriptor<SharedPolicyTemplate> {

        @Override
        public String getDisplayName() {
            return Messages.SharedPolicyTemplate_DisplayName();
        }

        /**
         * @param folder the folder whose configure page asks, whose configurers may check; {@code null} on the global
         *     configuration page, where only administrators may
         */
        @POST
        public FormValidation doCheckName(@AncestorInPath @CheckForNull Item folder, @QueryParameter String value) {
            return FormChecks.check(folder, value, PolicyTemplate::nameProblem);
        }

        /**
         * Reads the template as a pipeline would, without its values: syntax, declarations, placeholders, and the
         * policy itself when every parameter has a default.
         */
        @POST
        public FormValidation doCheckBody(@AncestorInPath @CheckForNull Item folder, @QueryParameter String value) {
            return FormChecks.check(folder, value, text -> {
                if (text == null) {
                    return Optional.of("is required");
                }
                List<PolicyError> problems = new PolicyTemplate("check", 1, text).problems();
                return problems.isEmpty()
                        ? Optional.empty()
                        : Optional.of(
                                problems.stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
            });
        }
    }
}

package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.TemplateCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline's choice of a shared policy template: its name, an optional pinned version and the parameters. Resolves it
 * against the templates the build can see and makes the policy, or refuses with field paths before anything moves.
 *
 * @param name the template's name
 * @param version the pinned version, or null for the highest
 * @param params parameter values as the pipeline gave them
 */
record TemplateChoice(String name, @CheckForNull Integer version, Map<String, Object> params) {

    TemplateChoice {
        params = params == null ? Map.of() : new LinkedHashMap<>(params);
    }

    /**
     * The scopes whose templates {@code run} may use, nearest first. Only the global configuration's for now: a folder
     * property would add the folders' scopes before it (see docs/jenkins.md, "Shared policy templates").
     */
    static TemplateCatalog catalog(Run<?, ?> run) {
        return new TemplateCatalog(List.of(new TemplateCatalog.Scope(
                "the global configuration",
                MlRolloutConfiguration.get().getTemplates().stream()
                        .map(SharedPolicyTemplate::template)
                        .toList())));
    }

    /**
     * The template's policy for {@code run}.
     *
     * @throws AbortException listing every problem with its field path: an unknown name or version, a missing,
     *     unknown or ill-typed parameter, or the policy the template makes
     */
    PolicyTemplate.ResolvedTemplate resolve(Run<?, ?> run) throws AbortException {
        PolicyTemplate template;
        try {
            template = catalog(run).find(name, Optional.ofNullable(version));
        } catch (PolicyException e) {
            throw RolloutPlan.refused("the template", e);
        }
        try {
            return template.resolve(params);
        } catch (PolicyException e) {
            throw RolloutPlan.refused("template '" + template.name() + "' version " + template.version(), e);
        }
    }
}

package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.ExtensionList;
import hudson.model.Run;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.TemplateCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline's choice of a shared policy template: its name, an optional pinned version and the parameters. Resolves it
 * against the templates the build can see (its folders', then the global ones) and makes the policy, which records
 * where the template came from, or refuses with field paths before anything moves.
 *
 * @param name the template's name
 * @param version the pinned version, or null for the highest
 * @param params parameter values as the pipeline gave them
 */
record TemplateChoice(String name, @CheckForNull Integer version, Map<String, Object> params) {

    TemplateChoice {
        params = params == null ? Map.of() : new LinkedHashMap<>(params);
    }

    /** How messages and the evidence name the global configuration's scope. */
    static final String GLOBAL = "the global configuration";

    /**
     * The scopes whose templates {@code run} may use, nearest first: the folders around its job that define templates
     * (when the Folders plugin is installed, see {@link FolderTemplates}), then the global configuration.
     */
    static TemplateCatalog catalog(Run<?, ?> run) {
        List<TemplateCatalog.Scope> scopes = new ArrayList<>();
        for (FolderTemplates folders : ExtensionList.lookup(FolderTemplates.class)) {
            scopes.addAll(folders.around(run.getParent()));
        }
        scopes.add(new TemplateCatalog.Scope(
                GLOBAL,
                MlRolloutConfiguration.get().getTemplates().stream()
                        .map(SharedPolicyTemplate::template)
                        .toList()));
        return new TemplateCatalog(scopes);
    }

    /**
     * The template's policy for {@code run}.
     *
     * @throws AbortException listing every problem with its field path: an unknown name or version, a missing,
     *     unknown or ill-typed parameter, or the policy the template makes
     */
    PolicyTemplate.ResolvedTemplate resolve(Run<?, ?> run) throws AbortException {
        TemplateCatalog.Found found;
        try {
            found = catalog(run).find(name, Optional.ofNullable(version));
        } catch (PolicyException e) {
            throw RolloutPlan.refused("the template", e);
        }
        try {
            return found.resolve(params);
        } catch (PolicyException e) {
            PolicyTemplate template = found.template();
            throw RolloutPlan.refused(
                    "template '" + template.name() + "' version " + template.version() + " in " + found.scope(), e);
        }
    }
}

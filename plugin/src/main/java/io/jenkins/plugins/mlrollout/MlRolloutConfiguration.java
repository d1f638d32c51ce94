package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.util.ListBoxModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * ML Rollout's section of Manage Jenkins → System: the model endpoints that pipelines may roll out to. The form is
 * bound through the setters, and configuration-as-code uses the same setters, so both are refused the same bad input.
 */
@Extension
@Symbol("mlRollout")
public class MlRolloutConfiguration extends GlobalConfiguration {

    private List<ModelEndpoint> endpoints = new ArrayList<>();
    /**
     * The credential whose secret signs the evidence seals (secret text or secret file), or null for unkeyed seals. One
     * key for the controller rather than one per endpoint: an auditor checks every build's evidence with one key, and
     * the key belongs to whoever audits, not to the teams that own endpoints.
     */
    private String sealCredentialsId;
    /** Shared policy templates that pipelines use by name (see {@link SharedPolicyTemplate}). */
    private List<SharedPolicyTemplate> templates = new ArrayList<>();

    public MlRolloutConfiguration() {
        load();
    }

    /** The one instance Jenkins created. */
    public static MlRolloutConfiguration get() {
        return ExtensionList.lookupSingleton(MlRolloutConfiguration.class);
    }

    @Override
    public String getDisplayName() {
        return Messages.MlRolloutConfiguration_DisplayName();
    }

    /**
     * Binds the submitted form through the setters, as the default does, but first empties the endpoints: Stapler
     * binds only the keys present, and a form whose last endpoint was deleted sends no {@code endpoints} key at all
     * (Jenkins' own ConsoleUrlProviderGlobalConfiguration does the same). A refused value keeps the previous
     * endpoints and is reported on the form.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        List<ModelEndpoint> previous = endpoints;
        List<SharedPolicyTemplate> previousTemplates = templates;
        endpoints = new ArrayList<>();
        templates = new ArrayList<>();
        try {
            req.bindJSON(this, json);
        } catch (IllegalArgumentException e) {
            endpoints = previous;
            templates = previousTemplates;
            throw new FormException(innermostMessage(e), "endpoints");
        }
        save();
        return true;
    }

    public List<ModelEndpoint> getEndpoints() {
        // XStream leaves the field null when the saved file has no endpoints element.
        return endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** Replaces the endpoints and saves; refuses two endpoints with one name. */
    @DataBoundSetter
    public void setEndpoints(@CheckForNull List<ModelEndpoint> endpoints) {
        List<ModelEndpoint> given = endpoints == null ? List.of() : endpoints;
        Set<String> seen = new HashSet<>();
        for (ModelEndpoint endpoint : given) {
            if (!seen.add(endpoint.getName())) {
                throw new IllegalArgumentException(
                        Messages.MlRolloutConfiguration_DuplicateEndpoint(endpoint.getName()));
            }
        }
        this.endpoints = new ArrayList<>(given);
        save();
    }

    public List<SharedPolicyTemplate> getTemplates() {
        // XStream leaves the field null in a file saved before templates existed.
        return templates == null ? List.of() : List.copyOf(templates);
    }

    /** Replaces the templates and saves; refuses one name with the same version twice. */
    @DataBoundSetter
    public void setTemplates(@CheckForNull List<SharedPolicyTemplate> templates) {
        this.templates = new ArrayList<>(SharedPolicyTemplate.unique(templates));
        save();
    }

    /** Ours is the innermost: Stapler may wrap a refusal from a nested constructor in its own exception. */
    private static String innermostMessage(Throwable e) {
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        return innermost.getMessage();
    }

    public @CheckForNull String getSealCredentialsId() {
        return sealCredentialsId;
    }

    @DataBoundSetter
    public void setSealCredentialsId(@CheckForNull String sealCredentialsId) {
        this.sealCredentialsId = FieldRules.trimToNull(sealCredentialsId);
        save();
    }

    @POST
    public ListBoxModel doFillSealCredentialsIdItems(@QueryParameter String sealCredentialsId) {
        return FormChecks.sealKeyItems(sealCredentialsId);
    }

    public Optional<ModelEndpoint> endpoint(String name) {
        return getEndpoints().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    /**
     * The endpoint a pipeline names, ready to use.
     *
     * @throws AbortException if no endpoint has that name, or it lacks a required setting
     */
    public ModelEndpoint requireEndpoint(String name) throws AbortException {
        ModelEndpoint endpoint = endpoint(name)
                .orElseThrow(() -> new AbortException("endpoint: no endpoint named '"
                        + name + "' is configured in Manage Jenkins → System → ML Rollout (configured: "
                        + (getEndpoints().isEmpty()
                                ? "none"
                                : getEndpoints().stream()
                                        .map(ModelEndpoint::getName)
                                        .collect(Collectors.joining(", ")))
                        + ")"));
        List<String> missing = endpoint.missingSettings();
        if (!missing.isEmpty()) {
            throw new AbortException(String.join("; ", missing));
        }
        return endpoint;
    }
}

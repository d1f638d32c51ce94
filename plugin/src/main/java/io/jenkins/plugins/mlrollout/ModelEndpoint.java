package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.notify.NotificationSettings;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import io.mlrollout.core.tier.TierFloors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A model endpoint as an administrator configured it: how its traffic is routed, where its metrics are, and the
 * sign-off rules that every rollout on it must meet at least. A pipeline names the endpoint and may only tighten those
 * rules ({@link #quorumFor(int)}, {@link #selfApprovalFor(boolean)}).
 */
public class ModelEndpoint implements Describable<ModelEndpoint> {

    private final String name;
    private RouterSettings router;
    private String prometheusUrl;
    private String prometheusCredentialsId;
    private String namespace;
    private String approvers;
    private int minimumQuorum;
    private boolean allowSelfApproval;
    private String allowedJobs;
    private List<EndpointRole> roles;
    private String deploymentCalendar;
    private String tierFloors;
    private String notifications;

    @DataBoundConstructor
    public ModelEndpoint(String name) {
        this.name = FieldRules.accept("name", name, FieldRules::endpointName);
    }

    /** Unique among the endpoints; what a policy's {@code endpoint:} and the steps' {@code endpoint:} name. */
    public String getName() {
        return name;
    }

    /** How traffic is split; {@code null} until configured. */
    public @CheckForNull RouterSettings getRouter() {
        return router;
    }

    @DataBoundSetter
    public void setRouter(@CheckForNull RouterSettings router) {
        this.router = router;
    }

    /** The Prometheus server to query, e.g. {@code http://prometheus.monitoring:9090}; {@code null} until configured. */
    public @CheckForNull String getPrometheusUrl() {
        return prometheusUrl;
    }

    @DataBoundSetter
    public void setPrometheusUrl(@CheckForNull String prometheusUrl) {
        this.prometheusUrl = FieldRules.accept("prometheusUrl", prometheusUrl, FieldRules::httpUrl);
    }

    public @CheckForNull String getPrometheusCredentialsId() {
        return prometheusCredentialsId;
    }

    @DataBoundSetter
    public void setPrometheusCredentialsId(@CheckForNull String prometheusCredentialsId) {
        this.prometheusCredentialsId = FieldRules.trimToNull(prometheusCredentialsId);
    }

    /** Fills {@code ${namespace}} in metric queries; {@code null} when the queries do not use it. */
    public @CheckForNull String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(@CheckForNull String namespace) {
        this.namespace = FieldRules.accept("namespace", namespace, FieldRules::optionalLabel);
    }

    /** User ids and group names, separated by commas or white space, as typed; {@code null} for none. */
    public @CheckForNull String getApprovers() {
        return approvers;
    }

    @DataBoundSetter
    public void setApprovers(@CheckForNull String approvers) {
        this.approvers = FieldRules.trimToNull(approvers);
    }

    /** {@link #getApprovers()} split into ids, in order, each once. */
    public List<String> approverIds() {
        return FieldRules.splitNames(approvers);
    }

    /** How many different approvers every sign-off on this endpoint needs at least; 0 leaves it to the policy. */
    public int getMinimumQuorum() {
        return minimumQuorum;
    }

    @DataBoundSetter
    public void setMinimumQuorum(int minimumQuorum) {
        FieldRules.nonNegative(minimumQuorum).ifPresent(problem -> {
            throw new IllegalArgumentException("minimumQuorum: " + problem);
        });
        this.minimumQuorum = minimumQuorum;
    }

    /** Whether the person who started a build may sign for it on this endpoint. */
    public boolean isAllowSelfApproval() {
        return allowSelfApproval;
    }

    @DataBoundSetter
    public void setAllowSelfApproval(boolean allowSelfApproval) {
        this.allowSelfApproval = allowSelfApproval;
    }

    /** The responsibility matrix, in the order configured; empty for none. */
    public List<EndpointRole> getRoles() {
        return roles == null ? List.of() : roles; // null in endpoints saved before roles existed
    }

    @DataBoundSetter
    public void setRoles(@CheckForNull List<EndpointRole> roles) {
        List<EndpointRole> given = roles == null ? List.of() : List.copyOf(roles);
        Set<String> seen = new HashSet<>();
        for (String role : EndpointRole.names(given)) {
            if (!seen.add(role)) {
                throw new IllegalArgumentException(Messages.ModelEndpoint_DuplicateRole(role));
            }
        }
        this.roles = given;
    }

    /** The roles as the sign-off rules read them: who holds each, whom to escalate to, what every gate needs. */
    public ResponsibilityMatrix responsibilityMatrix() {
        Map<String, ResponsibilityMatrix.Role> matrix = new LinkedHashMap<>();
        getRoles().forEach(role -> matrix.put(role.getName(), role.toRole()));
        return new ResponsibilityMatrix(matrix);
    }

    /**
     * The jobs and folders whose builds may use this endpoint, by full name, separated by commas or white space, as
     * typed; {@code null} for none. A folder allows every job inside it, at any depth.
     */
    public @CheckForNull String getAllowedJobs() {
        return allowedJobs;
    }

    @DataBoundSetter
    public void setAllowedJobs(@CheckForNull String allowedJobs) {
        this.allowedJobs = FieldRules.accept("allowedJobs", allowedJobs, FieldRules::jobNames);
    }

    /** {@link #getAllowedJobs()} split into full names, in order, each once. */
    public List<String> allowedJobNames() {
        return FieldRules.splitNames(allowedJobs);
    }

    /** Whether the job with this full name is listed, or lies in a listed folder. */
    public boolean allowsJob(String fullName) {
        return allowedJobNames().stream().anyMatch(entry -> fullName.equals(entry) || fullName.startsWith(entry + "/"));
    }

    /**
     * The deployment windows and freezes every rollout on this endpoint respects, as YAML ({@code timeZone}, {@code
     * windows}, {@code freezes}, as in a policy's {@code schedule}); {@code null} for always open.
     */
    public @CheckForNull String getDeploymentCalendar() {
        return deploymentCalendar;
    }

    @DataBoundSetter
    public void setDeploymentCalendar(@CheckForNull String deploymentCalendar) {
        this.deploymentCalendar = FieldRules.accept("deploymentCalendar", deploymentCalendar, CalendarField::problems);
    }

    /** {@link #getDeploymentCalendar()} read; the setter refused anything it could not read. */
    public DeploymentCalendar calendar() {
        return CalendarField.read(deploymentCalendar);
    }

    /**
     * The floors a pipeline's tiers cannot lower, as YAML ({@code facts} with their types, {@code floors} with a CEL
     * {@code when} and the roles that must sign); {@code null} for none.
     */
    public @CheckForNull String getTierFloors() {
        return tierFloors;
    }

    @DataBoundSetter
    public void setTierFloors(@CheckForNull String tierFloors) {
        this.tierFloors = FieldRules.accept("tierFloors", tierFloors, TierFloorsField::problems);
    }

    /** {@link #getTierFloors()} read; the setter refused anything it could not read. */
    public TierFloors floors() {
        return TierFloorsField.read(tierFloors);
    }

    /**
     * Where this endpoint's rollouts are announced, as YAML ({@code sinks} with {@code name}, {@code type}, {@code
     * credentialsId} naming a secret text credential that holds the URL, and {@code events}; {@code
     * escalationContacts}); {@code null} for none.
     */
    public @CheckForNull String getNotifications() {
        return notifications;
    }

    @DataBoundSetter
    public void setNotifications(@CheckForNull String notifications) {
        this.notifications = FieldRules.accept("notifications", notifications, NotificationsField::problems);
    }

    /** {@link #getNotifications()} read; the setter refused anything it could not read. */
    public NotificationSettings notificationSettings() {
        return NotificationsField.read(notifications);
    }

    /** The quorum a rollout gets when its policy asks for {@code requested}: a pipeline may raise it, never lower it. */
    public int quorumFor(int requested) {
        if (requested < 0) {
            throw new IllegalArgumentException("quorum: must be 0 or more, not " + requested);
        }
        return Math.max(requested, minimumQuorum);
    }

    /**
     * Whether self-approval is allowed when a policy asks for {@code requested}: a pipeline may forbid it where this
     * endpoint allows it, never allow it where this endpoint forbids it.
     */
    public boolean selfApprovalFor(boolean requested) {
        return requested && allowSelfApproval;
    }

    /** The router's credential for {@code run}; {@link Credential#NONE} when none is configured. */
    public Credential routerCredential(Run<?, ?> run) throws AbortException {
        String id = router == null ? null : router.getCredentialsId();
        return CredentialResolver.resolve(id, run, "endpoint '" + name + "' router credentialsId");
    }

    /** Prometheus' credential for {@code run}; {@link Credential#NONE} when none is configured. */
    public Credential prometheusCredential(Run<?, ?> run) throws AbortException {
        return CredentialResolver.resolve(
                prometheusCredentialsId, run, "endpoint '" + name + "' prometheusCredentialsId");
    }

    /**
     * The problems that keep this endpoint from being used for a rollout, each naming its field; empty when it is
     * complete. Configuration-as-code calls setters only for the keys it is given, so a required setting can be
     * missing without any setter refusing it; the steps check here before they use an endpoint.
     */
    public List<String> missingSettings() {
        List<String> missing = new ArrayList<>();
        if (router == null) {
            missing.add("endpoint '" + name + "' router: is required");
        }
        if (prometheusUrl == null) {
            missing.add("endpoint '" + name + "' prometheusUrl: is required");
        }
        return List.copyOf(missing);
    }

    @Override
    public String toString() {
        return "endpoint '" + name + "'";
    }

    /** The endpoint's form. */
    @Extension
    public static class DescriptorImpl extends Descriptor<ModelEndpoint> {

        @Override
        public String getDisplayName() {
            return Messages.ModelEndpoint_DisplayName();
        }

        /** The router kinds to choose from in the form. */
        public List<RouterSettings.RouterDescriptor> getRouterDescriptors() {
            return ExtensionList.lookup(RouterSettings.RouterDescriptor.class);
        }

        /**
         * Checks the name's format. That no other endpoint has it is checked when the configuration is saved
         * ({@link MlRolloutConfiguration#setEndpoints}): a field check sees its own field, not the unsaved others.
         */
        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::endpointName);
        }

        @POST
        public FormValidation doCheckPrometheusUrl(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::httpUrl);
        }

        @POST
        public FormValidation doCheckNamespace(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::optionalLabel);
        }

        @POST
        public FormValidation doCheckAllowedJobs(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::jobNames);
        }

        @POST
        public FormValidation doCheckDeploymentCalendar(@QueryParameter String value) {
            return FormChecks.check(value, CalendarField::problems);
        }

        @POST
        public FormValidation doCheckTierFloors(@QueryParameter String value) {
            return FormChecks.check(value, TierFloorsField::problems);
        }

        @POST
        public FormValidation doCheckNotifications(@QueryParameter String value) {
            return FormChecks.check(value, NotificationsField::problems);
        }

        @POST
        public FormValidation doCheckMinimumQuorum(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::nonNegativeInteger);
        }

        @POST
        public ListBoxModel doFillPrometheusCredentialsIdItems(@QueryParameter String prometheusCredentialsId) {
            return FormChecks.credentialItems(prometheusCredentialsId);
        }
    }
}

package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.PreflightPlan;
import io.mlrollout.core.audit.Attachment;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.policy.QueryPlaceholders;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.StageSummary;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mlCanary}: shifts a growing share of an endpoint's live traffic to a candidate model, stage by stage, judges it
 * against the baseline, waits for the sign-offs the policy asks for, and rolls back by itself on a regression. The step
 * returns when the canary passed (traffic stays at the last stage's weight for {@code mlPromote}) and fails with the
 * reason when it was rolled back. It holds no executor while it waits.
 */
public class MlCanaryStep extends Step {

    private final String policy;
    private final String candidate;
    private String endpoint;
    private boolean dryRun;
    private String template;
    private Integer templateVersion;
    private Map<String, Object> templateParams;
    private Map<String, String> attachments = Map.of();
    private Map<String, String> lineage = Map.of();
    private Map<String, Object> facts = Map.of();

    /**
     * @param policy the policy's text (YAML or JSON), e.g. from {@code readFile}
     * @param candidate the version to roll out, as the router names it
     */
    @DataBoundConstructor
    public MlCanaryStep(String policy, String candidate) {
        this.policy = policy;
        this.candidate = candidate;
    }

    public String getPolicy() {
        return policy;
    }

    public String getCandidate() {
        return candidate;
    }

    /** The endpoint to roll out to, replacing the policy's {@code endpoint:}; {@code null} to use the policy's. */
    public @CheckForNull String getEndpoint() {
        return endpoint;
    }

    @DataBoundSetter
    public void setEndpoint(@CheckForNull String endpoint) {
        this.endpoint = FieldRules.trimToNull(endpoint);
    }

    /** Read the router and every metric once and move nothing. */
    public boolean isDryRun() {
        return dryRun;
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** A shared policy template to use instead of {@code policy}; {@code null} when the step gives a policy. */
    public @CheckForNull String getTemplate() {
        return template;
    }

    @DataBoundSetter
    public void setTemplate(@CheckForNull String template) {
        this.template = FieldRules.trimToNull(template);
    }

    /** The template's version to use; {@code null} for its highest. */
    public @CheckForNull Integer getTemplateVersion() {
        return templateVersion;
    }

    @DataBoundSetter
    public void setTemplateVersion(@CheckForNull Integer templateVersion) {
        this.templateVersion = templateVersion;
    }

    /** The template's parameters by name, e.g. {@code [errorBudget: '20%']}; {@code null} for none. */
    public @CheckForNull Map<String, Object> getTemplateParams() {
        return templateParams;
    }

    @DataBoundSetter
    public void setTemplateParams(@CheckForNull Map<String, Object> templateParams) {
        this.templateParams = templateParams == null ? null : new LinkedHashMap<>(templateParams);
    }

    /** Files from the workspace for the evidence pack, by name, e.g. {@code [fairness: 'reports/fairness.html']}. */
    public Map<String, String> getAttachments() {
        return attachments;
    }

    @DataBoundSetter
    public void setAttachments(@CheckForNull Map<String, String> attachments) {
        this.attachments = texts(attachments);
    }

    /** Lineage facts for the evidence, e.g. {@code [model: 'fraud-v2', data: '2026-11-01']}. */
    public Map<String, String> getLineage() {
        return lineage;
    }

    @DataBoundSetter
    public void setLineage(@CheckForNull Map<String, String> lineage) {
        this.lineage = texts(lineage);
    }

    /**
     * Facts about the change for the policy's tier rules, e.g. {@code [changeType: 'retrain', evalDelta: 0.001]}: text,
     * numbers and booleans, checked against the types the policy declares.
     */
    public Map<String, Object> getFacts() {
        return facts;
    }

    @DataBoundSetter
    public void setFacts(@CheckForNull Map<String, Object> facts) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (facts != null) {
            // A GString is text to the rules; numbers and booleans keep their type, so 'false' and false differ.
            facts.forEach((key, value) -> values.put(
                    String.valueOf(key),
                    value instanceof Number || value instanceof Boolean || value == null
                            ? value
                            : String.valueOf(value)));
        }
        this.facts = Collections.unmodifiableMap(values);
    }

    /**
     * The map as text: Pipeline hands a Groovy map over as it is, so a key or value may be a GString or a number
     * whatever the declared type says.
     */
    private static Map<String, String> texts(@CheckForNull Map<?, ?> map) {
        Map<String, String> texts = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((key, value) -> texts.put(String.valueOf(key), String.valueOf(value)));
        }
        return Collections.unmodifiableMap(texts);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    /** Runs one canary. The only durable field is the endpoint: the rollout's state is kept with the build. */
    public static final class Execution extends RolloutStepExecution {

        private static final long serialVersionUID = 1L;

        private final transient MlCanaryStep step;
        /** Where the attachments are read from; only needed before the rollout starts. */
        private transient FilePath workspace;

        private String endpoint;

        Execution(MlCanaryStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener log = getContext().get(TaskListener.class);
            String candidate = required("candidate", step.getCandidate()).trim();
            Optional<String> unsafe = QueryPlaceholders.valueProblem(candidate);
            if (unsafe.isPresent()) {
                throw new AbortException("candidate: " + unsafe.get() + ". Nothing was moved.");
            }
            PolicyChoice choice = PolicyChoice.of(step, run);
            String policyText = choice.text();
            RolloutPlan plan = RolloutPlan.of(choice.policy(), step.getEndpoint(), step.isDryRun(), step.getFacts());
            endpoint = plan.endpointName();
            EndpointAccess.check("mlCanary", plan.endpoint(), run, Jenkins.getAuthentication2());
            if (RolloutAction.find(run, endpoint).isPresent()) {
                throw new AbortException("mlCanary: this build already rolled out to endpoint '" + endpoint
                        + "'; a build runs one rollout per endpoint, start a new build for another");
            }
            workspace = step.getAttachments().isEmpty() ? null : getContext().get(FilePath.class);
            startSoon(() -> begin(plan, policyText, candidate, run, log));
            return false;
        }

        /**
         * Logs the pre-flight plan as the rollout's first lines, through the metrics source the rollout reads, and
         * returns what it read of the baseline for the judge to learn from; on the plugin's threads. Refuses, before
         * any traffic moves, when the policy says {@code analysis.plan: refuse} and the plan has warnings; a plan that
         * cannot be read is a warning.
         */
        private BaselineHistory preflight(
                RolloutPlan plan,
                TrafficRouter router,
                MetricsSource metrics,
                RolloutServices services,
                TaskListener log)
                throws AbortException {
            String baseline;
            try {
                baseline = router.current().baseline();
            } catch (TrafficException | RuntimeException unreadable) {
                log.getLogger()
                        .println(LogLines.note("plan: WARNING: the router could not be read (" + unreadable.getMessage()
                                + "), so there is no plan; the rollout goes on"));
                return BaselineHistory.none();
            }
            PreflightPlan.Result result = PreflightPlan.plan(
                    plan.policy(), metrics, endpoint, baseline, services.clock().instant());
            result.lines().forEach(line -> log.getLogger().println(LogLines.note(line)));
            if (result.refused()) {
                throw new AbortException(
                        "mlCanary: the plan refused the rollout (analysis.plan: refuse); no traffic" + " moved");
            }
            return result.history();
        }

        /** Looks the credentials up, takes the endpoint and starts the rollout; on the plugin's threads. */
        private void begin(RolloutPlan plan, String policyText, String candidate, Run<?, ?> run, TaskListener log)
                throws IOException, InterruptedException {
            List<Attachment> attached = WorkspaceAttachments.read(
                    workspace, step.getAttachments(), plan.policy().evidence());
            AttachedEvidence evidence = new AttachedEvidence(step.getLineage(), attached);
            RolloutServices services = RolloutServices.current();
            TrafficRouter router = plan.router(run, services);
            plan.requireMirroring(router);
            MetricsSource metrics = plan.metrics(run, services);
            BaselineHistory history = preflight(plan, router, metrics, services, log);
            EndpointLocks locks = EndpointLocks.get();
            Optional<String> released = locks.acquire(endpoint, run);
            released.ifPresent(note -> log.getLogger().println(LogLines.note(note)));
            RolloutAction action = new RolloutAction(
                    run,
                    endpoint,
                    policyText,
                    step.isDryRun(),
                    plan.tier().map(TierDecision::facts).orElse(Map.of()));
            try {
                run.addAction(action);
                follow(
                        action.begin(
                                plan,
                                services,
                                router,
                                metrics,
                                candidate,
                                People.startedBy(run),
                                evidence,
                                history,
                                log),
                        log);
            } catch (IOException | RuntimeException e) {
                run.removeAction(action);
                locks.release(endpoint, run);
                throw e;
            }
            await();
        }

        @Override
        public void onResume() {
            startSoon(() -> {
                Run<?, ?> run = getContext().get(Run.class);
                RolloutAction action = RolloutAction.find(run, endpoint)
                        .orElseThrow(() -> new AbortException(
                                "mlCanary: the rollout of endpoint '" + endpoint + "' is missing from the build"));
                follow(action.live(), getContext().get(TaskListener.class));
                await();
            });
        }

        @Override
        Optional<Outcome> outcome(RolloutState state, LiveRollout rollout) {
            return switch (state.phase()) {
                case CANARY_PASSED, PROMOTED -> Optional.of(Outcome.success(result(state, "PASS", rollout)));
                case DRY_RUN_COMPLETE -> Optional.of(Outcome.success(result(state, "DRY_RUN", rollout)));
                case ROLLED_BACK, ROLLBACK_FAILED, HALTED -> Optional.of(Outcome.failed(failure("mlCanary", state)));
                default -> Optional.empty();
            };
        }

        /**
         * What the pipeline gets: {@code verdict}, {@code score} (the lowest stage score, null for a dry run), {@code
         * stages} (one map per stage: stage, weight, verdict, score, reasons), {@code reportUrl}, {@code endpoint} and
         * {@code candidate}.
         */
        private static Map<String, Object> result(RolloutState state, String verdict, LiveRollout rollout) {
            List<Map<String, Object>> stages = new ArrayList<>();
            Double lowest = null;
            for (StageSummary s : state.stages()) {
                Map<String, Object> stage = new LinkedHashMap<>();
                stage.put("stage", s.stage());
                stage.put("weight", s.weight());
                stage.put("verdict", s.verdict().name());
                stage.put("score", s.score());
                stage.put("reasons", new ArrayList<>(s.reasons()));
                stages.add(stage);
                lowest = lowest == null ? s.score() : Math.min(lowest, s.score());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("verdict", verdict);
            result.put("score", lowest);
            result.put("stages", stages);
            result.put("reportUrl", rollout.reportUrl());
            result.put("endpoint", state.subject().endpoint());
            result.put("candidate", state.subject().candidate());
            return result;
        }
    }

    /** {@code value} as given (a policy's indentation matters), refused when blank. */
    static String required(String field, @CheckForNull String value) throws AbortException {
        if (value == null || value.isBlank()) {
            throw new AbortException(field + ": is required. Nothing was moved.");
        }
        return value;
    }

    /** How Pipeline knows the step: {@code mlCanary}, with the build and its log, and no node. */
    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "mlCanary";
        }

        @Override
        public String getDisplayName() {
            return Messages.MlCanaryStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}

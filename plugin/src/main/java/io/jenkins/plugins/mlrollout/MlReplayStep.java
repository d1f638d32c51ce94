package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.replay.AaReplay;
import io.mlrollout.core.replay.Replay;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code mlReplay}: the policy's judge over what the endpoint's Prometheus recorded, as {@code mlrollout replay} runs
 * it. With {@code baseline} and {@code candidate}: what the policy would have decided on a past rollout. With {@code
 * aa}: that version's pods split at random into two groups, judged as two versions, which measures the policy's
 * false-rollback rate on the endpoint's own traffic. Nobody signs and no traffic moves; the replay runs on the
 * plugin's threads, never on the Pipeline's.
 */
public class MlReplayStep extends Step {

    private final String policy;
    private final String from;
    private @CheckForNull String endpoint;
    private String to = "now";
    private @CheckForNull String baseline;
    private @CheckForNull String candidate;
    private @CheckForNull String aa;
    private String podLabel = "pod";
    private List<String> pods = List.of();
    private int splits = 10;
    private long seed = 1;

    @DataBoundConstructor
    public MlReplayStep(String policy, String from) {
        this.policy = policy;
        this.from = from;
    }

    public String getPolicy() {
        return policy;
    }

    public String getFrom() {
        return from;
    }

    public @CheckForNull String getEndpoint() {
        return endpoint;
    }

    @DataBoundSetter
    public void setEndpoint(@CheckForNull String endpoint) {
        this.endpoint = FieldRules.trimToNull(endpoint);
    }

    public String getTo() {
        return to;
    }

    @DataBoundSetter
    public void setTo(@CheckForNull String to) {
        String given = FieldRules.trimToNull(to);
        this.to = given == null ? "now" : given;
    }

    public @CheckForNull String getBaseline() {
        return baseline;
    }

    @DataBoundSetter
    public void setBaseline(@CheckForNull String baseline) {
        this.baseline = FieldRules.trimToNull(baseline);
    }

    public @CheckForNull String getCandidate() {
        return candidate;
    }

    @DataBoundSetter
    public void setCandidate(@CheckForNull String candidate) {
        this.candidate = FieldRules.trimToNull(candidate);
    }

    public @CheckForNull String getAa() {
        return aa;
    }

    @DataBoundSetter
    public void setAa(@CheckForNull String aa) {
        this.aa = FieldRules.trimToNull(aa);
    }

    public String getPodLabel() {
        return podLabel;
    }

    @DataBoundSetter
    public void setPodLabel(@CheckForNull String podLabel) {
        String given = FieldRules.trimToNull(podLabel);
        this.podLabel = given == null ? "pod" : given;
    }

    public List<String> getPods() {
        return pods;
    }

    @DataBoundSetter
    public void setPods(@CheckForNull List<String> pods) {
        this.pods = pods == null ? List.of() : List.copyOf(pods);
    }

    public int getSplits() {
        return splits;
    }

    @DataBoundSetter
    public void setSplits(int splits) {
        this.splits = splits;
    }

    public long getSeed() {
        return seed;
    }

    @DataBoundSetter
    public void setSeed(long seed) {
        this.seed = seed;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    /**
     * Runs one replay. Nothing of it needs to survive a restart: a replay moves nothing, so one cut short by a restart
     * fails and is run again.
     */
    public static final class Execution extends StepExecution {

        private static final long serialVersionUID = 1L;

        private final transient MlReplayStep step;
        private final AtomicBoolean ended = new AtomicBoolean();

        Execution(MlReplayStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener log = getContext().get(TaskListener.class);
            Policy parsed = parse(MlCanaryStep.required("policy", step.getPolicy()));
            MlCanaryStep.required("from", step.getFrom());
            boolean pastRollout = step.getBaseline() != null || step.getCandidate() != null;
            if (pastRollout == (step.getAa() != null)) {
                throw new AbortException("mlReplay: give either baseline and candidate (a past rollout) or aa (an A/A"
                        + " split of one version's pods), not both and not neither");
            }
            if (pastRollout) {
                MlCanaryStep.required("baseline", step.getBaseline());
                MlCanaryStep.required("candidate", step.getCandidate());
                if (step.getBaseline().equals(step.getCandidate())) {
                    throw new AbortException("mlReplay: candidate: " + step.getCandidate() + " is also the baseline:"
                            + " a version judged against itself shows nothing; to judge one version's pods against"
                            + " each other, use aa: '" + step.getCandidate() + "'");
                }
                if (!step.getPods().isEmpty()) {
                    throw new AbortException("mlReplay: pods: only an A/A replay (aa) splits pods");
                }
            } else if (step.getSplits() < 1 || step.getSplits() > AaReplay.MAX_SPLITS) {
                throw new AbortException("mlReplay: splits: " + step.getSplits() + " is not 1.." + AaReplay.MAX_SPLITS);
            }
            RolloutPlan plan = RolloutPlan.forReplay(parsed, step.getEndpoint());
            EndpointAccess.check("mlReplay", plan.endpoint(), run, Jenkins.getAuthentication2());
            RolloutServices services = RolloutServices.current();
            Instant now = services.clock().instant();
            Instant start = instant("from", step.getFrom(), now);
            Instant end = instant("to", step.getTo(), now);
            if (!end.isAfter(start)) {
                throw new AbortException("mlReplay: to: " + end + " is not after from " + start);
            }
            Optional<String> future = Replay.futureEnd(end, now);
            if (future.isPresent()) {
                throw new AbortException("mlReplay: to: " + future.get());
            }
            services.work().execute(() -> {
                try {
                    MetricsSource metrics = plan.metrics(run, services);
                    if (!plan.policy().tiers().tiers().isEmpty()) {
                        // what is judged is not what a rollout whose facts chose a tier would run
                        log.getLogger().println(LogLines.note(Replay.TIERS_NOT_APPLIED));
                    }
                    Map<String, Object> result = pastRollout
                            ? pastRollout(plan, metrics, start, end, log.getLogger())
                            : aa(plan, metrics, start, end, log.getLogger());
                    end(() -> getContext().onSuccess(result));
                } catch (Exception | LinkageError e) {
                    end(() -> getContext().onFailure(e));
                }
            });
            return false;
        }

        private static Policy parse(String text) throws AbortException {
            try {
                return PolicyParser.parse(text);
            } catch (PolicyException e) {
                throw RolloutPlan.refused("the policy", e);
            }
        }

        private static Instant instant(String field, String text, Instant now) throws AbortException {
            try {
                return Replay.instant(text, now);
            } catch (IllegalArgumentException e) {
                throw new AbortException("mlReplay: " + field + ": " + e.getMessage());
            }
        }

        private Map<String, Object> pastRollout(
                RolloutPlan plan, MetricsSource metrics, Instant start, Instant end, PrintStream log)
                throws AbortException, MetricsException {
            requireSeries(plan, metrics, "baseline", step.getBaseline(), start, end);
            requireSeries(plan, metrics, "candidate", step.getCandidate(), start, end);
            log.println(LogLines.note("replay of " + plan.endpointName() + " from " + start + " to " + end + ": "
                    + step.getBaseline() + " (baseline) against " + step.getCandidate() + " (candidate); nobody"
                    + " signs in a replay, and no traffic moves: the traffic lines say what the policy would have"
                    + " asked the router for"));
            Replay.Result replayed = Replay.run(
                    plan.policy(), metrics, plan.endpointName(), step.getBaseline(), step.getCandidate(), start, end);
            replayed.events().forEach(event -> log.println(LogLines.format(event)));
            log.println(LogLines.note("replay: " + replayed.describe()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put(
                    "outcome",
                    replayed.recordingEnded() ? "UNDECIDED" : replayed.phase().name());
            result.put("failed", replayed.failed());
            result.put("promoted", replayed.promoted());
            result.put("summary", replayed.describe());
            return result;
        }

        /** Refuses a version Prometheus has no series of in the window (see {@link Replay#unrecorded}). */
        private static void requireSeries(
                RolloutPlan plan, MetricsSource metrics, String field, String version, Instant start, Instant end)
                throws AbortException, MetricsException {
            Optional<String> unrecorded =
                    Replay.unrecorded(metrics, plan.policy(), plan.endpointName(), version, start, end);
            if (unrecorded.isPresent()) {
                throw new AbortException("mlReplay: " + field + ": " + unrecorded.get());
            }
        }

        private Map<String, Object> aa(
                RolloutPlan plan, MetricsSource metrics, Instant start, Instant end, PrintStream log)
                throws AbortException, MetricsException {
            if (!(metrics instanceof PrometheusMetricsSource prometheus)) {
                throw new AbortException("mlReplay: aa: an A/A replay reads pods from Prometheus, and endpoint '"
                        + plan.endpointName() + "' reads its metrics from " + metrics);
            }
            String version = step.getAa();
            List<String> pods;
            try {
                pods = AaReplay.podsToSplit(
                        prometheus,
                        plan.policy(),
                        plan.endpointName(),
                        version,
                        step.getPodLabel(),
                        step.getPods(),
                        start,
                        end);
            } catch (IllegalArgumentException unseen) {
                throw new AbortException("mlReplay: pods: " + unseen.getMessage());
            }
            AaReplay.Summary summary;
            try {
                summary = AaReplay.run(
                        plan.policy(),
                        prometheus,
                        plan.endpointName(),
                        version,
                        step.getPodLabel(),
                        pods,
                        step.getSplits(),
                        step.getSeed(),
                        start,
                        end,
                        line -> log.println(LogLines.note(line)));
            } catch (IllegalArgumentException refused) {
                throw new AbortException(
                        "mlReplay: " + (step.getPods().isEmpty() ? "aa" : "pods") + ": " + refused.getMessage());
            }
            log.println(LogLines.note(summary.describe(version)));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("pods", new ArrayList<>(summary.pods()));
            result.put("splits", summary.splits());
            result.put("failed", summary.failed());
            result.put("inconclusive", summary.inconclusive());
            result.put("promoted", summary.promoted());
            result.put("undecided", summary.undecided());
            result.put("summary", summary.describe(version));
            return result;
        }

        /** Ends the step once: a replay that finishes after the step was stopped says nothing more. */
        private void end(Runnable ending) {
            if (ended.compareAndSet(false, true)) {
                ending.run();
            }
        }

        @Override
        public void stop(Throwable cause) {
            end(() -> getContext().onFailure(cause));
        }

        @Override
        public void onResume() {
            getContext()
                    .onFailure(new AbortException("mlReplay: Jenkins restarted during the replay; a replay moves"
                            + " nothing, so run it again"));
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "mlReplay";
        }

        @Override
        public String getDisplayName() {
            return Messages.MlReplayStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}

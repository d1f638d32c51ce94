package io.jenkins.plugins.mlrollout;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code mlPromote}: moves all of an endpoint's traffic to the candidate whose canary passed in this build, after the
 * promotion sign-off when the policy asks for it, then watches the promoted candidate and rolls back if it regresses.
 * Refused at once when this build has no passed canary for the endpoint.
 */
public class MlPromoteStep extends Step {

    private final String endpoint;

    @DataBoundConstructor
    public MlPromoteStep(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getEndpoint() {
        return endpoint;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    /** Promotes one endpoint's passed canary; the endpoint is all that resuming needs. */
    public static final class Execution extends RolloutStepExecution {

        private static final long serialVersionUID = 1L;

        private final String endpoint;

        Execution(MlPromoteStep step, StepContext context) {
            super(context);
            this.endpoint = step.getEndpoint();
        }

        @Override
        public boolean start() throws Exception {
            String name = MlCanaryStep.required("endpoint", endpoint).trim();
            Run<?, ?> run = getContext().get(Run.class);
            EndpointAccess.check(
                    "mlPromote", MlRolloutConfiguration.get().requireEndpoint(name), run, Jenkins.getAuthentication2());
            RolloutAction action = RolloutAction.find(run, name)
                    .orElseThrow(() -> new AbortException("mlPromote: this build has no canary for endpoint '" + name
                            + "'; run mlCanary for it first. Nothing was promoted."));
            RolloutState state = action.state();
            if (state.phase() != Phase.CANARY_PASSED) {
                throw new AbortException("mlPromote: the rollout of endpoint '" + name
                        + "' is not waiting at a passed canary (" + action.getStatus() + "). Nothing was promoted.");
            }
            TaskListener log = getContext().get(TaskListener.class);
            startSoon(() -> {
                follow(action.live(), log);
                await();
                promote(run);
            });
            return false;
        }

        @Override
        public void onResume() {
            startSoon(() -> {
                Run<?, ?> run = getContext().get(Run.class);
                RolloutAction action = RolloutAction.find(run, endpoint.trim())
                        .orElseThrow(() -> new AbortException(
                                "mlPromote: the rollout of endpoint '" + endpoint + "' is missing from the build"));
                follow(action.live(), getContext().get(TaskListener.class));
                await();
                if (action.state().phase() == Phase.CANARY_PASSED) {
                    promote(run); // the restart came before the request was taken; asking again is safe
                }
            });
        }

        private void promote(Run<?, ?> run) {
            submitSoon(new Input.PromoteRequested(
                    People.requester(run), RolloutServices.current().clock().instant()));
        }

        @Override
        Optional<Outcome> outcome(RolloutState state, LiveRollout rollout) {
            return switch (state.phase()) {
                case PROMOTED -> {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("outcome", "PROMOTED");
                    result.put("endpoint", state.subject().endpoint());
                    result.put("candidate", state.subject().candidate());
                    result.put("reportUrl", rollout.reportUrl());
                    yield Optional.of(Outcome.success(result));
                }
                case ROLLED_BACK, ROLLBACK_FAILED, HALTED -> Optional.of(Outcome.failed(failure("mlPromote", state)));
                default -> Optional.empty(); // still at the passed canary until the request is taken
            };
        }
    }

    /** How Pipeline knows the step: {@code mlPromote}, with the build and its log, and no node. */
    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "mlPromote";
        }

        @Override
        public String getDisplayName() {
            return Messages.MlPromoteStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}

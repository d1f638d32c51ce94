package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.traffic.TrafficRouter;
import java.io.IOException;
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
 * {@code mlRollback}: returns all of an endpoint's traffic to the baseline now, recording who asked and why. With a
 * rollout of the endpoint in this build (or running in another build), that rollout rolls back and the step waits for
 * it; otherwise the step sets the router to 0% itself and reads it back. Safe to repeat: a rolled-back endpoint stays
 * as it is and the step succeeds. A rollback that does not take fails the step loudly, with the split the router
 * reports.
 */
public class MlRollbackStep extends Step {

    private final String endpoint;
    private final String reason;

    @DataBoundConstructor
    public MlRollbackStep(String endpoint, String reason) {
        this.endpoint = endpoint;
        this.reason = reason;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public String getReason() {
        return reason;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    /**
     * Rolls one endpoint back. Durable: the endpoint, the reason and which build's rollout was asked (null when the
     * router was set directly), all that asking again after a restart needs.
     */
    public static final class Execution extends RolloutStepExecution {

        private static final long serialVersionUID = 1L;

        private final String endpoint;
        private final String reason;
        private String target;
        private transient volatile boolean requested;

        Execution(MlRollbackStep step, StepContext context) {
            super(context);
            this.endpoint = FieldRules.trimToNull(step.getEndpoint());
            this.reason = FieldRules.trimToNull(step.getReason());
        }

        @Override
        public boolean start() throws Exception {
            MlCanaryStep.required("endpoint", endpoint);
            MlCanaryStep.required("reason", reason);
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener log = getContext().get(TaskListener.class);
            EndpointAccess.check(
                    "mlRollback",
                    MlRolloutConfiguration.get().requireEndpoint(endpoint),
                    run,
                    Jenkins.getAuthentication2());
            startSoon(() -> begin(run, log));
            return false;
        }

        /** Finds the rollout to ask, or sets the router itself; on the plugin's threads. */
        private void begin(Run<?, ?> run, TaskListener log) throws IOException {
            Optional<RolloutAction> own = RolloutAction.find(run, endpoint);
            if (own.isPresent()) {
                target = run.getExternalizableId();
                follow(own.get().live(), log);
                requestRollback(run);
                return;
            }
            Optional<RolloutAction> other =
                    EndpointLocks.get().activeHolder(endpoint).flatMap(holder -> RolloutAction.find(holder, endpoint));
            if (other.isPresent()) {
                Run<?, ?> holder = other.get().getRun();
                target = holder.getExternalizableId();
                log.getLogger()
                        .println(LogLines.note("build " + holder.getFullDisplayName() + " has a rollout on " + endpoint
                                + ": asking it to roll back"));
                follow(other.get().live(), log);
                requestRollback(run);
                return;
            }
            rollBackDirectly(run, log, false);
        }

        @Override
        public void onResume() {
            startSoon(() -> {
                Run<?, ?> run = getContext().get(Run.class);
                TaskListener log = getContext().get(TaskListener.class);
                if (target == null) {
                    rollBackDirectly(run, log, true); // it reads the split first, so doing it again is safe
                    return;
                }
                Run<?, ?> holder = target.equals(run.getExternalizableId())
                        ? run
                        : EndpointLocks.get().build(target);
                RolloutAction action = Optional.ofNullable(holder)
                        .flatMap(h -> RolloutAction.find(h, endpoint))
                        .orElseThrow(() -> new AbortException("mlRollback: the rollout of endpoint '" + endpoint
                                + "' in build " + target + " is gone; run mlRollback again"));
                follow(action.live(), log);
                Phase phase = action.state().phase();
                if (phase == Phase.ROLLED_BACK || !phase.isResting()) {
                    requested = true; // taken before the restart: wait for it
                    await();
                } else {
                    requestRollback(run);
                }
            });
        }

        private void requestRollback(Run<?, ?> run) {
            submitSoon(new Input.RollbackRequested(
                    People.requester(run),
                    reason,
                    RolloutServices.current().clock().instant()));
        }

        @Override
        void submitted() {
            requested = true;
        }

        @Override
        Optional<Outcome> outcome(RolloutState state, LiveRollout rollout) {
            if (!requested) {
                return Optional.empty(); // a rest from before the request says nothing about it
            }
            return switch (state.phase()) {
                case ROLLED_BACK -> {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("outcome", "ROLLED_BACK");
                    result.put("endpoint", state.subject().endpoint());
                    result.put("reason", state.reason());
                    yield Optional.of(Outcome.success(result));
                }
                case DRY_RUN_COMPLETE -> Optional.of(Outcome.success(Map.of("outcome", "DRY_RUN_COMPLETE")));
                case ROLLBACK_FAILED -> Optional.of(Outcome.failed(failure("mlRollback", state)));
                default -> Optional.empty(); // a rollback request always ends in one of the above
            };
        }

        /**
         * No rollout to ask: set the router, holding the endpoint meanwhile so no canary starts under it. Resumed after
         * a restart, the step still holds the endpoint from before and keeps that hold.
         */
        private void rollBackDirectly(Run<?, ?> run, TaskListener log, boolean resumed) throws IOException {
            withoutRollout();
            RolloutServices services = RolloutServices.current();
            ModelEndpoint configured = MlRolloutConfiguration.get().requireEndpoint(endpoint);
            TrafficRouter router = RolloutPlan.router(configured, run, services);
            EndpointLocks locks = EndpointLocks.get();
            locks.acquireToRollBack(endpoint, run, resumed)
                    .ifPresent(note -> log.getLogger().println(LogLines.note(note)));
            AuditTrail audit;
            try {
                audit = AuditTrail.open(AuditTrail.directory(run.getRootDir().toPath(), endpoint));
            } catch (IOException | RuntimeException e) {
                locks.release(endpoint, run);
                throw e;
            }
            DirectRollback.Notify notify = RolloutNotifications.direct(
                    configured, run, line -> log.getLogger().println(LogLines.note(line)));
            DirectRollback rollback = new DirectRollback(router, audit, log, services.clock(), notify);
            String by = People.requester(run);
            services.scheduler()
                    .schedule(
                            () -> {
                                Outcome outcome;
                                try {
                                    outcome = writingToRouter(() -> rollback.run(endpoint, by, reason));
                                } catch (Exception e) {
                                    outcome = Outcome.failed("mlRollback: " + e);
                                }
                                // Free before the step ends: the Pipeline's next statement may start a canary here.
                                locks.release(endpoint, run);
                                end(outcome);
                            },
                            services.clock().instant());
        }

        @Override
        public @CheckForNull String getStatus() {
            String status = super.getStatus();
            return status != null ? status : "rolling back endpoint " + endpoint + " at the router";
        }
    }

    /** How Pipeline knows the step: {@code mlRollback}, with the build and its log, and no node. */
    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "mlRollback";
        }

        @Override
        public String getDisplayName() {
            return Messages.MlRollbackStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}

package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.RootAction;
import hudson.model.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jenkins.model.Jenkins;

/**
 * The "ML Rollouts" page at {@code /ml-rollouts/}: every configured endpoint with the rollout that holds it, the
 * sign-offs the current user may give, and the rollouts that ended lately. It is for users with Overall/Read, and each
 * rollout on it is shown only to those who may read its job; an endpoint held by a build they may not see says only
 * that it is busy.
 */
@Extension
public class RolloutsPage implements RootAction {

    @Override
    public @CheckForNull String getIconFileName() {
        return Jenkins.get().hasPermission(Jenkins.READ) ? "symbol-analytics" : null;
    }

    @Override
    public String getDisplayName() {
        return Messages.RolloutsPage_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "ml-rollouts";
    }

    /** One configured endpoint and who holds it now, as far as the current user may see. */
    public static final class EndpointRow {
        private final String endpoint;
        private final boolean busy;
        private final @CheckForNull RolloutAction rollout;
        private final @CheckForNull Instant since;

        EndpointRow(String endpoint, boolean busy, @CheckForNull RolloutAction rollout, @CheckForNull Instant since) {
            this.endpoint = endpoint;
            this.busy = busy;
            this.rollout = rollout;
            this.since = since;
        }

        public String getEndpoint() {
            return endpoint;
        }

        /** Whether a build holds the endpoint, whether or not the user may see which. */
        public boolean isBusy() {
            return busy;
        }

        /** The rollout holding the endpoint, when the user may read its job; else null. */
        public @CheckForNull RolloutAction getRollout() {
            return rollout;
        }

        /** Since when the build has held the endpoint, e.g. {@code 2026-11-23T10:00:00Z}. */
        public String getSince() {
            return since == null ? "" : since.toString();
        }
    }

    /** A rollout that ended lately: which build, on which endpoint, how, and how long from start to decision. */
    public static final class RecentRow {
        private final EndpointLocks.Released released;
        private final Run<?, ?> run;

        RecentRow(EndpointLocks.Released released, Run<?, ?> run) {
            this.released = released;
            this.run = run;
        }

        public Run<?, ?> getRun() {
            return run;
        }

        public String getEndpoint() {
            return released.endpoint();
        }

        public String getName() {
            return released.name();
        }

        public String getOutcome() {
            return released.outcome();
        }

        public String getEnded() {
            return released.until().toString();
        }

        /** From taking the endpoint to letting it go, e.g. {@code 1h 02m}. */
        public String getTimeToDecision() {
            return StatusText.until(released.since(), released.until());
        }
    }

    /** Every configured endpoint, with its holder where the current user may read the holder's job. */
    public List<EndpointRow> getEndpoints() {
        Jenkins.get().checkPermission(Jenkins.READ);
        EndpointLocks locks = EndpointLocks.get();
        Map<String, EndpointLocks.Holder> holders = locks.holders();
        List<EndpointRow> rows = new ArrayList<>();
        for (ModelEndpoint endpoint : MlRolloutConfiguration.get().getEndpoints()) {
            String name = endpoint.getName();
            EndpointLocks.Holder holder = holders.get(name);
            if (holder == null) {
                rows.add(new EndpointRow(name, false, null, null));
                continue;
            }
            Optional<RolloutAction> rollout =
                    readable(locks.holdingBuild(holder).orElse(null)).flatMap(run -> RolloutAction.find(run, name));
            rows.add(new EndpointRow(name, true, rollout.orElse(null), holder.since()));
        }
        return rows;
    }

    /** The open sign-offs the current user may give now (approve or reject, or override), across all builds. */
    public List<RolloutAction> getMySignOffs() {
        return getEndpoints().stream()
                .map(EndpointRow::getRollout)
                .filter(r -> r != null && r.isGateOpen() && (r.isCanSign() || r.isCanOverride()))
                .toList();
    }

    /** Open sign-offs on rollouts the current user may see, whether or not they may sign them. */
    public List<RolloutAction> getPendingSignOffs() {
        return getEndpoints().stream()
                .map(EndpointRow::getRollout)
                .filter(r -> r != null && r.isGateOpen())
                .toList();
    }

    /** The rollouts that ended lately, newest first, of jobs the current user may read. */
    public List<RecentRow> getRecent() {
        Jenkins.get().checkPermission(Jenkins.READ);
        EndpointLocks locks = EndpointLocks.get();
        List<RecentRow> rows = new ArrayList<>();
        for (EndpointLocks.Released released : locks.recent()) {
            readable(locks.build(released.build())).ifPresent(run -> rows.add(new RecentRow(released, run)));
        }
        return rows;
    }

    /** The build, if it still exists and the current user may read its job. */
    private static Optional<Run<?, ?>> readable(@CheckForNull Run<?, ?> run) {
        return run != null && run.getParent().hasPermission(Item.READ) ? Optional.of(run) : Optional.empty();
    }
}

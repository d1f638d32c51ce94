package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.RootAction;
import hudson.model.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The "ML Rollouts" page at {@code /ml-rollouts/}: every configured endpoint with the rollout that holds it, the
 * sign-offs the current user may give, and the rollouts that ended lately. It is for users with Overall/Read, and each
 * rollout on it is shown only to those who may read its job; an endpoint held by a build they may not see says only
 * that it is busy. The same lists are data at {@code /ml-rollouts/api/json}, so a chat bot signing with a user's API
 * token can find the gates that user may sign.
 */
@Extension
@ExportedBean
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

    public Api getApi() {
        return new Api(this);
    }

    /** Where a build's rollout page is, relative to Jenkins' root, as the rollout's own API gives it. */
    static String rolloutUrl(RolloutAction rollout) {
        return rollout.getRun().getUrl() + rollout.getUrlName() + "/";
    }

    /**
     * One configured endpoint and who holds it now, as far as the current user may see. In the API its rollout shows
     * its endpoint, phase and status; {@code ?depth=1} gives all of it.
     */
    @ExportedBean
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

        @Exported
        public String getEndpoint() {
            return endpoint;
        }

        /** Whether a build holds the endpoint, whether or not the user may see which. */
        @Exported
        public boolean isBusy() {
            return busy;
        }

        /** The rollout holding the endpoint, when the user may read its job; else null. */
        @Exported(skipNull = true)
        public @CheckForNull RolloutAction getRollout() {
            return rollout;
        }

        /** The build holding the endpoint, e.g. {@code fraud-deploy #42}, when the user may read its job; else null. */
        @Exported(skipNull = true)
        public @CheckForNull String getBuild() {
            return rollout == null ? null : rollout.getRun().getFullDisplayName();
        }

        /** The rollout's page relative to Jenkins' root, when the user may read its job; else null. */
        @Exported(skipNull = true)
        public @CheckForNull String getUrl() {
            return rollout == null ? null : rolloutUrl(rollout);
        }

        /**
         * Since when the build has held the endpoint, e.g. {@code 2026-11-23T10:00:00Z}; null when it is free or
         * held by a build of a job the user may not read.
         */
        @Exported(skipNull = true)
        public @CheckForNull String getSince() {
            return since == null ? null : since.toString();
        }
    }

    /** An open sign-off: where it waits, what for, and what the current user may do about it. */
    @ExportedBean
    public static final class GateRow {
        private final RolloutAction rollout;

        GateRow(RolloutAction rollout) {
            this.rollout = rollout;
        }

        public RolloutAction getRollout() {
            return rollout;
        }

        @Exported
        public String getEndpoint() {
            return rollout.getEndpoint();
        }

        /** E.g. {@code fraud-deploy #42}. */
        @Exported
        public String getBuild() {
            return rollout.getRun().getFullDisplayName();
        }

        /** The rollout's page relative to Jenkins' root: where to POST approve, reject or override. */
        @Exported
        public String getUrl() {
            return rolloutUrl(rollout);
        }

        /** E.g. {@code stage 2/3 (25%)} or {@code promotion to 100%}. */
        @Exported
        public String getPurpose() {
            return rollout.getGatePurpose();
        }

        /** E.g. {@code 1 of 2 approval(s) from alice, ml-risk; open until 2026-11-24 10:20:00 UTC}. */
        @Exported
        public String getSummary() {
            return rollout.getGateSummary();
        }

        @Exported
        public boolean isCanSign() {
            return rollout.isCanSign();
        }

        @Exported
        public boolean isCanOverride() {
            return rollout.isCanOverride();
        }
    }

    /** A rollout that ended lately: which build, on which endpoint, how, and how long from start to decision. */
    @ExportedBean
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

        /** The build's page relative to Jenkins' root. */
        @Exported
        public String getUrl() {
            return run.getUrl();
        }

        @Exported
        public String getEndpoint() {
            return released.endpoint();
        }

        /** The build, e.g. {@code fraud-deploy #42}. */
        @Exported(name = "build")
        public String getName() {
            return released.name();
        }

        @Exported
        public String getOutcome() {
            return released.outcome();
        }

        @Exported
        public String getEnded() {
            return released.until().toString();
        }

        /** From taking the endpoint to letting it go, e.g. {@code 1h 02m}. */
        @Exported
        public String getTimeToDecision() {
            return StatusText.until(released.since(), released.until());
        }
    }

    /** Every configured endpoint, with its holder where the current user may read the holder's job. */
    @Exported(inline = true)
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
            Optional<Run<?, ?>> build = readable(locks.holdingBuild(holder).orElse(null));
            Optional<RolloutAction> rollout = build.flatMap(run -> RolloutAction.find(run, name));
            // a build the user may not read leaves only "busy": not even when it took the endpoint
            rows.add(new EndpointRow(name, true, rollout.orElse(null), build.isPresent() ? holder.since() : null));
        }
        return rows;
    }

    /** The open sign-offs the current user may give now (approve or reject, or override), across all builds. */
    @Exported(inline = true)
    public List<GateRow> getMySignOffs() {
        return getPendingSignOffs().stream()
                .filter(gate -> gate.isCanSign() || gate.isCanOverride())
                .toList();
    }

    /** Open sign-offs on rollouts the current user may see, whether or not they may sign them. */
    @Exported(inline = true)
    public List<GateRow> getPendingSignOffs() {
        return getEndpoints().stream()
                .map(EndpointRow::getRollout)
                .filter(r -> r != null && r.isGateOpen())
                .map(GateRow::new)
                .toList();
    }

    /** The rollouts that ended lately, newest first, of jobs the current user may read. */
    @Exported(inline = true)
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

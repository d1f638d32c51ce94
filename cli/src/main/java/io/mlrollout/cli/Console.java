package io.mlrollout.cli;

import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Shows a rollout as it happens: every event as its build-log line ({@link LogLines}), and after each look a progress
 * line for the stage, the sign-off or the promotion watch it belongs to.
 */
final class Console implements RolloutDriver.Listener {

    private static final int BAR = 20;

    private final PrintWriter out;
    private final Policy policy;
    private final Runnable afterEachStep;
    private boolean looked;

    /** @param afterEachStep called after each saved step (e.g. to wake a waiting command) */
    Console(PrintWriter out, Policy policy, Runnable afterEachStep) {
        this.out = out;
        this.policy = policy;
        this.afterEachStep = afterEachStep;
    }

    @Override
    public void recorded(RolloutEvent event) {
        out.println(LogLines.format(event));
        looked |= event instanceof RolloutEvent.Looked;
        // A look that ended its stage (or opened a gate) is told by the lines that follow it, not by a progress line.
        if (event instanceof RolloutEvent.StageConcluded || event instanceof RolloutEvent.GateOpened) {
            looked = false;
        }
    }

    @Override
    public void saved(RolloutState state) {
        if (looked) {
            progress(state).ifPresent(out::println);
            looked = false;
        }
        out.flush();
        afterEachStep.run();
    }

    /** The progress line for a state that is baking, awaiting a sign-off or watching a promotion. */
    Optional<String> progress(RolloutState state) {
        RolloutState.BakeClock clock = state.bake();
        if (clock == null) {
            return Optional.empty();
        }
        Duration baked = Duration.between(clock.startedAt(), clock.lastLookAt());
        Duration bake = Duration.between(clock.startedAt(), clock.endsAt());
        String where;
        if (state.phase() == Phase.BAKING) {
            Stage stage = policy.stage(state.stageIndex());
            where = "stage " + (state.stageIndex() + 1) + "/" + policy.stageCount()
                    + (stage.isShadow() ? " (" + stage.label() + ")" : " at " + state.canaryWeight() + "%");
        } else if (state.phase() == Phase.WATCHING) {
            where = "promotion watch at " + state.canaryWeight() + "%";
        } else if (state.phase() == Phase.AWAITING_SIGNOFF && state.gate() != null) {
            return Optional.of("  awaiting sign-off for " + state.gate().purpose() + ": "
                    + state.gate().approvals() + " approval(s) so far; still looking at " + state.canaryWeight()
                    + "% every " + Durations.format(policy.analysis().interval()));
        } else {
            return Optional.empty();
        }
        return Optional.of("  " + bar(baked, bake) + " " + where + ": " + span(baked) + " of " + span(bake) + " baked"
                + remaining(baked, bake));
    }

    private static String bar(Duration done, Duration total) {
        double share = total.isZero() ? 1 : Math.min(1, (double) done.toMillis() / total.toMillis());
        int filled = (int) Math.round(share * BAR);
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
    }

    /**
     * What is left of the bake. Past its end the stage bakes on because a look has no verdict yet: a pass still needs
     * evidence or traffic, or the data were missing; the look lines say which.
     */
    static String remaining(Duration done, Duration total) {
        Duration left = total.minus(done);
        if (left.isNegative()) {
            return ", over by " + span(left.negated()) + " (baking on: no verdict yet)";
        }
        return left.isZero() ? "" : ", " + span(left) + " to go";
    }

    /** A duration as people say it: {@code 4m}, {@code 1m30s}, {@code 45s}. */
    static String span(Duration d) {
        long seconds = d.toSeconds();
        if (seconds == 0) {
            return "0s";
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (rest > 0) {
            text.append(rest).append('s');
        }
        return text.toString();
    }
}

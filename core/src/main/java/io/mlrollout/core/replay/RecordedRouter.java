package io.mlrollout.core.replay;

import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;

/**
 * The router of a replay: it moves no traffic. It answers with the split the policy asked for, at once and ready, so
 * the engine runs through its stages as it would have, while the metrics come from what was recorded.
 */
final class RecordedRouter implements TrafficRouter {

    private TrafficSplit split;

    /** A router whose baseline serves everything until the policy asks for a share to {@code candidate}. */
    RecordedRouter(String baseline, String candidate) {
        this.split = new TrafficSplit(baseline, candidate, 0, true);
    }

    @Override
    public TrafficSplit current() {
        return split;
    }

    @Override
    public TrafficSplit shift(String candidate, int canaryWeight) {
        split = new TrafficSplit(split.baseline(), candidate, canaryWeight, true);
        return split;
    }

    /** A shadow stage replays too: the recording holds whatever the candidate served then. */
    @Override
    public TrafficSplit mirror(String candidate, int mirrorPercent) {
        split = new TrafficSplit(split.baseline(), candidate, 0, true, mirrorPercent);
        return split;
    }

    @Override
    public boolean canMirror() {
        return true;
    }

    @Override
    public String describe() {
        return "replay (no traffic moves)";
    }
}

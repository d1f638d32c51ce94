package io.mlrollout.core.replay;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.Policy;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An A/A replay: one version's pods split at random into two groups, several times, each split judged by the policy as
 * if the groups were a baseline and a candidate. Both groups run the same version, so every failed stage is a false
 * rollback: the count measures the policy's false-rollback rate on the endpoint's own recorded traffic.
 */
public final class AaReplay {

    /** More splits than this would be a query storm for little more precision. */
    public static final int MAX_SPLITS = 200;

    /**
     * What the splits came to.
     *
     * @param pods the pods that were split
     * @param failed splits in which a stage failed: false rollbacks
     * @param inconclusive splits rolled back by {@code analysis.onInconclusive} without a failed stage
     * @param promoted splits that were promoted
     * @param undecided splits the recording ended on
     * @param distinct how many of the splits differed from each other
     */
    public record Summary(
            List<String> pods, int splits, int failed, int inconclusive, int promoted, int undecided, int distinct) {

        public Summary {
            pods = List.copyOf(pods);
        }

        /** The last line a replay prints. */
        public String describe(String version) {
            return "A/A replay: " + failed + " of " + splits + " splits failed a stage (false rollbacks: both groups"
                    + " run " + version + "), " + inconclusive + " ended inconclusive and "
                    + (inconclusive == 1 ? "was" : "were")
                    + " rolled back by analysis.onInconclusive, " + promoted + " promoted, " + undecided
                    + " undecided when the recording ended (" + distinct + " distinct split"
                    + (distinct == 1 ? "" : "s") + " of the pods)";
        }
    }

    private AaReplay() {}

    /**
     * The pods of {@code version} that served between {@code from} and {@code to}, read through the policy's first
     * metric.
     */
    public static List<String> pods(
            PrometheusMetricsSource prometheus,
            Policy policy,
            String endpoint,
            String version,
            String podLabel,
            Instant from,
            Instant to)
            throws MetricsException {
        return prometheus.labelValues(policy.metrics().get(0), endpoint, version, podLabel, new Window(from, to));
    }

    /**
     * The pods to split: the {@code named} ones, or when none are named every pod {@link #pods} lists.
     *
     * @throws IllegalArgumentException naming a named pod that served none of {@code version}'s requests in the window:
     *     misspelt, it would be judged as a group without data, every split inconclusive and none a finding
     */
    public static List<String> podsToSplit(
            PrometheusMetricsSource prometheus,
            Policy policy,
            String endpoint,
            String version,
            String podLabel,
            List<String> named,
            Instant from,
            Instant to)
            throws MetricsException {
        List<String> seen = pods(prometheus, policy, endpoint, version, podLabel, from, to);
        if (named.isEmpty()) {
            return seen;
        }
        for (String pod : named) {
            if (!seen.contains(pod)) {
                throw new IllegalArgumentException(pod + " served no requests of " + version + " between " + from
                        + " and " + to + " (Prometheus saw " + (seen.isEmpty() ? "none" : String.join(", ", seen))
                        + ")");
            }
        }
        return List.copyOf(named);
    }

    /**
     * Judges {@code splits} random splits of {@code pods}, the first with {@code seed}, the next with seed + 1 and so
     * on, telling {@code lines} what is split and then the outcome of each split.
     *
     * @throws IllegalArgumentException when the splits are not 1 to {@link #MAX_SPLITS}, or the pods cannot be split
     *     (fewer than two, a bad label)
     */
    public static Summary run(
            Policy policy,
            PrometheusMetricsSource prometheus,
            String endpoint,
            String version,
            String podLabel,
            List<String> pods,
            int splits,
            long seed,
            Instant from,
            Instant to,
            Consumer<String> lines) {
        if (splits < 1 || splits > MAX_SPLITS) {
            throw new IllegalArgumentException(splits + " splits is not 1.." + MAX_SPLITS);
        }
        // both refuse before any query: too few pods, a bad label, a pod name a selector cannot hold
        PodSplit.random(version, podLabel, pods, seed);
        prometheus.narrowedTo(podLabel, pods);
        lines.accept("A/A replay of " + endpoint + " from " + from + " to " + to + ": " + pods.size() + " pods of "
                + version + " (" + String.join(", ", pods) + ") split at random into two groups, " + splits
                + " times; nobody signs in a replay");
        int failed = 0;
        int inconclusive = 0;
        int promoted = 0;
        Set<String> distinct = new LinkedHashSet<>();
        for (int i = 0; i < splits; i++) {
            PodSplit groups = PodSplit.random(version, podLabel, pods, seed + i);
            distinct.add(groups.candidatePods() + "|" + groups.baselinePods());
            Replay.Result result = Replay.run(
                    policy,
                    groups.source(prometheus),
                    endpoint,
                    groups.baselineName(),
                    groups.candidateName(),
                    from,
                    to);
            failed += result.failed() ? 1 : 0;
            inconclusive += result.rolledBack() && !result.failed() ? 1 : 0;
            promoted += result.promoted() ? 1 : 0;
            lines.accept("split " + (i + 1) + ": " + groups + ": " + result.describe());
        }
        return new Summary(
                pods,
                splits,
                failed,
                inconclusive,
                promoted,
                splits - failed - inconclusive - promoted,
                distinct.size());
    }
}

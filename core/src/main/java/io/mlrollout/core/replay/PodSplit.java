package io.mlrollout.core.replay;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * An A/A split: one version's pods in two random groups, read as if they were a baseline and a candidate. Both run the
 * same model, so a policy that rolls such a "candidate" back does so falsely; over many random splits, how often it
 * does is its false-rollback rate on this endpoint's own traffic, pod-to-pod differences and all.
 *
 * @param version the version whose pods are split
 * @param label the label that names a series' pod (e.g. {@code pod})
 * @param candidatePods the group that plays the candidate
 * @param baselinePods the group that plays the baseline
 */
public record PodSplit(String version, String label, List<String> candidatePods, List<String> baselinePods) {

    public PodSplit {
        candidatePods = List.copyOf(candidatePods);
        baselinePods = List.copyOf(baselinePods);
        if (candidatePods.isEmpty() || baselinePods.isEmpty()) {
            throw new IllegalArgumentException("an A/A split needs a pod on each side");
        }
    }

    /**
     * A random split of {@code pods} into halves (the candidate gets the smaller half when their number is odd).
     *
     * @throws IllegalArgumentException with fewer than two pods, or a pod named twice
     */
    public static PodSplit random(String version, String label, List<String> pods, long seed) {
        if (pods.size() < 2) {
            throw new IllegalArgumentException(
                    "an A/A replay needs at least 2 pods of " + version + ", found " + pods.size() + ": " + pods);
        }
        Set<String> seen = new HashSet<>();
        for (String pod : pods) {
            if (!seen.add(pod)) {
                throw new IllegalArgumentException(
                        pod + " is named twice: a pod on both sides of a split is compared with itself");
            }
        }
        List<String> shuffled = new ArrayList<>(pods);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            shuffled.set(j, shuffled.set(i, shuffled.get(j)));
        }
        int half = shuffled.size() / 2;
        List<String> candidate = new ArrayList<>(shuffled.subList(0, half));
        List<String> baseline = new ArrayList<>(shuffled.subList(half, shuffled.size()));
        candidate.sort(null);
        baseline.sort(null);
        return new PodSplit(version, label, candidate, baseline);
    }

    /** The name the replay gives the candidate group, e.g. {@code v1[A]}. */
    public String candidateName() {
        return version + "[A]";
    }

    /** The name the replay gives the baseline group, e.g. {@code v1[B]}. */
    public String baselineName() {
        return version + "[B]";
    }

    /** Reads {@link #candidateName()} and {@link #baselineName()} from the two groups' series in Prometheus. */
    public MetricsSource source(PrometheusMetricsSource prometheus) {
        PrometheusMetricsSource candidate = prometheus.narrowedTo(label, candidatePods);
        PrometheusMetricsSource baseline = prometheus.narrowedTo(label, baselinePods);
        return new MetricsSource() {
            @Override
            public Reading read(MetricSpec metric, String endpoint, String group, Window window)
                    throws MetricsException {
                if (group.equals(candidateName())) {
                    return candidate.read(metric, endpoint, version, window);
                }
                if (group.equals(baselineName())) {
                    return baseline.read(metric, endpoint, version, window);
                }
                throw new MetricsException(
                        "an A/A replay reads " + candidateName() + " and " + baselineName() + " only, not " + group);
            }

            @Override
            public String toString() {
                return prometheus + " split by " + label;
            }
        };
    }

    @Override
    public String toString() {
        return candidateName() + " = " + candidatePods + ", " + baselineName() + " = " + baselinePods;
    }
}

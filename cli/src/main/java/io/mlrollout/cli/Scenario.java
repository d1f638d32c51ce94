package io.mlrollout.cli;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.simulator.TrafficSlices;
import io.mlrollout.simulator.VersionProfile;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** What the demo's candidate does, and how the rollout should end for it. */
public enum Scenario {
    HEALTHY("healthy", "the candidate behaves like the baseline", Phase.PROMOTED),
    REGRESSION("regression", "the candidate fails three times as often as the baseline", Phase.ROLLED_BACK),
    LATENCY("latency", "the candidate is 50% slower at every quantile, p99 included", Phase.ROLLED_BACK),
    DRIFT(
            "drift",
            "the candidate's prediction scores are shifted upwards (Beta(3,5) instead of Beta(2,5))",
            Phase.ROLLED_BACK),
    FLAKY_METRICS(
            "flaky-metrics", "the candidate is healthy, but 30% of the metrics source's answers fail", Phase.PROMOTED),
    METRICS_OUTAGE(
            "metrics-outage",
            "the candidate is healthy, but the metrics go away three looks into stage 2",
            Phase.ROLLED_BACK),
    SLICE_REGRESSION(
            "slice-regression",
            "the candidate fails three times as often as the baseline in region ap-south only (a tenth of the"
                    + " traffic): +20% over all traffic, inside the 25% margin, and caught by the per-region gate",
            Phase.ROLLED_BACK),
    SLICE_LATENCY(
            "slice-latency",
            "the candidate is 50% slower in region ap-south only (a tenth of the traffic): its p99 over all traffic"
                    + " about +10%, inside the 20% margin, and caught by the per-region p99 gate",
            Phase.ROLLED_BACK);

    /** How the sliced scenarios slice their traffic, and the one region where the candidate regresses. */
    static final String SLICES = "region=us-east:6,eu-west:3,ap-south:1";

    static final String REGRESSED_SLICE = "ap-south";

    /** The serving baseline: 1% errors, 80 ms median latency (p99 about 230 ms), scores Beta(2, 5). */
    static final VersionProfile BASELINE =
            VersionProfile.named("v1").withErrorRate(0.01).withLatency(80, 0.45).withScores(2, 5);

    private final String spelling;
    private final String story;
    private final Phase expected;

    Scenario(String spelling, String story, Phase expected) {
        this.spelling = spelling;
        this.story = story;
        this.expected = expected;
    }

    public String spelling() {
        return spelling;
    }

    /** What happens in this scenario, in one sentence. */
    public String story() {
        return story;
    }

    /** How the rollout should end: never a pass without data, never a rollback of a healthy candidate. */
    public Phase expected() {
        return expected;
    }

    /** The candidate version for this scenario. */
    VersionProfile candidate() {
        VersionProfile healthy = BASELINE.withName("v2");
        return switch (this) {
            case REGRESSION, SLICE_REGRESSION -> healthy.withErrorRate(3 * BASELINE.errorRate());
            case LATENCY, SLICE_LATENCY ->
                healthy.withLatency(1.5 * BASELINE.latencyMedianMs(), BASELINE.latencySigma());
            case DRIFT -> healthy.withScores(3, 5);
            case HEALTHY, FLAKY_METRICS, METRICS_OUTAGE -> healthy;
        };
    }

    /** The traffic's slices, for the scenarios that regress in one of them. */
    Optional<TrafficSlices> slices() {
        return slicedPolicy().map(policy -> TrafficSlices.parse(SLICES, Optional.of(REGRESSED_SLICE)));
    }

    /** The demo's policy for a sliced scenario, whose gate slices the metric the candidate regresses. */
    Optional<String> slicedPolicy() {
        return switch (this) {
            case SLICE_REGRESSION -> Optional.of("demo-policy-slices.yaml");
            case SLICE_LATENCY -> Optional.of("demo-policy-slice-latency.yaml");
            default -> Optional.empty();
        };
    }

    static String spellings() {
        return Arrays.stream(values()).map(Scenario::spelling).collect(Collectors.joining(", "));
    }

    /** Reads {@code --scenario} values as they are spelt: {@code flaky-metrics}. */
    static final class Converter implements CommandLine.ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            return Arrays.stream(values())
                    .filter(s -> s.spelling.equals(value))
                    .findFirst()
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "'" + value + "' is not a scenario; choose one of " + spellings()));
        }
    }
}

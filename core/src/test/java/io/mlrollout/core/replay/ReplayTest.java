package io.mlrollout.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The engine and judge over recorded counts, in simulated time, with sign-offs taken away and nothing moved. */
class ReplayTest {

    private static final Instant FROM = Instant.parse("2026-11-30T10:00:00Z");

    private static final String POLICY = """
            stages:
              - {weight: 10, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%}
            signOff: {approvers: [alice], quorum: 1}
            promote: {bake: 10m}
            """;

    /** Recorded minutes: 3000 requests a minute per version, the candidate's error rate a multiple of 1%. */
    private static MetricsSource recorded(double candidateFactor, List<Instant> windowsRead) {
        return (metric, endpoint, version, window) -> {
            windowsRead.add(window.end());
            SplittableRandom random = new SplittableRandom(window.end().getEpochSecond() * 31 + version.hashCode());
            double rate = 0.01 * (version.equals("v2") ? candidateFactor : 1);
            double total = 3000;
            double bad = 0;
            for (int i = 0; i < total; i++) {
                bad += random.nextDouble() < rate ? 1 : 0;
            }
            return new Reading.Counts(bad, total);
        };
    }

    @Test
    void aRegressionOnTheRecordedTrafficIsReplayedToAFailedStageWithoutAnyoneSigning() {
        List<Instant> read = new ArrayList<>();

        Replay.Result result =
                Replay.run(parse(), recorded(3, read), "scorer", "v1", "v2", FROM, FROM.plus(Duration.ofHours(2)));

        assertThat(result.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(result.rolledBack()).isTrue();
        assertThat(result.failed()).isTrue();
        assertThat(result.events()).noneMatch(e -> e instanceof RolloutEvent.GateOpened);
        assertThat(read).allMatch(end -> !end.isBefore(FROM) && !end.isAfter(FROM.plus(Duration.ofHours(2))));
    }

    @Test
    void aHealthyCandidateIsPromotedAndItsWatchJudgedWithinTheRecording() {
        Replay.Result result = Replay.run(
                parse(), recorded(1, new ArrayList<>()), "scorer", "v1", "v2", FROM, FROM.plus(Duration.ofHours(3)));

        assertThat(result.phase()).as(result.events().toString()).isEqualTo(Phase.PROMOTED);
        assertThat(result.promoted()).isTrue();
        assertThat(result.failed()).isFalse();
        assertThat(result.events()).anyMatch(e -> e instanceof RolloutEvent.WatchStarted);
    }

    @Test
    void aRecordingThatEndsFirstLeavesTheRolloutUndecidedAndReadsNothingBeyondIt() {
        List<Instant> read = new ArrayList<>();
        Instant end = FROM.plus(Duration.ofMinutes(7));

        Replay.Result result = Replay.run(parse(), recorded(1, read), "scorer", "v1", "v2", FROM, end);

        assertThat(result.recordingEnded()).isTrue();
        assertThat(result.rolledBack()).isFalse();
        assertThat(result.promoted()).isFalse();
        assertThat(result.phase()).isEqualTo(Phase.BAKING);
        assertThat(read).isNotEmpty().allMatch(at -> !at.isAfter(end));
        assertThatThrownBy(() -> Replay.run(parse(), recorded(1, read), "scorer", "v1", "v2", end, FROM))
                .hasMessageContaining("must end after it starts");
    }

    @Test
    void anAaSplitHalvesThePodsAtRandomAndRefusesTooFew() {
        List<String> pods = List.of("p-0", "p-1", "p-2", "p-3", "p-4");

        PodSplit split = PodSplit.random("v1", "pod", pods, 7);

        assertThat(split.candidatePods()).hasSize(2);
        assertThat(split.baselinePods()).hasSize(3);
        List<String> all = new ArrayList<>(split.candidatePods());
        all.addAll(split.baselinePods());
        assertThat(all).containsExactlyInAnyOrderElementsOf(pods);
        assertThat(PodSplit.random("v1", "pod", pods, 7)).isEqualTo(split);
        assertThat(List.of(1L, 2L, 3L, 4L, 5L).stream()
                        .map(seed -> PodSplit.random("v1", "pod", pods, seed).candidatePods())
                        .distinct())
                .hasSizeGreaterThan(1);
        assertThatThrownBy(() -> PodSplit.random("v1", "pod", List.of("p-0"), 1))
                .hasMessageContaining("at least 2 pods of v1");
    }

    @Test
    void anAaSplitRefusesAPodNamedTwiceWhichWouldBeComparedWithItself() {
        assertThatThrownBy(() -> PodSplit.random("v1", "pod", List.of("p-0", "p-1", "p-0"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("p-0 is named twice: a pod on both sides of a split is compared with itself");
    }

    @Test
    void anAaSourceReadsOnlyItsTwoGroups() {
        PodSplit split = PodSplit.random("v1", "pod", List.of("p-0", "p-1"), 1);
        MetricsSource source = split.source(new io.mlrollout.core.metrics.PrometheusMetricsSource(
                java.net.URI.create("http://127.0.0.1:9"),
                io.mlrollout.core.http.Credential.NONE,
                new io.mlrollout.core.http.HttpSettings(Duration.ofSeconds(1), 1, Duration.ofMillis(1)),
                ""));

        assertThatThrownBy(() -> source.read(parse().metrics().get(0), "scorer", "v2", null))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("reads v1[A] and v1[B] only, not v2");
    }

    private static Policy parse() {
        try {
            return PolicyParser.parse(POLICY);
        } catch (PolicyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}

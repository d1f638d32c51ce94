package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.analysis.SliceLook;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every event reads as one line a person understands, with its numbers. */
class LogLinesTest {

    private static final Instant T = Instant.parse("2026-11-23T10:25:00Z");

    /** The log line of a look at 10:25 in stage 1 (50%) with one metric. */
    private static String firstStageLook(MetricLook metric) {
        return LogLines.format(new RolloutEvent.Looked(T, 1, 50, new Window(T.minusSeconds(60), T), List.of(metric)));
    }

    @Test
    void aLookShowsEachMetricWithItsOutcomeAndBothVersionsNumbers() {
        String line = LogLines.format(new RolloutEvent.Looked(
                T,
                2,
                25,
                new Window(T.minusSeconds(60), T),
                List.of(
                        new MetricLook("error-rate", Outcome.CONTINUE, 0.0041, 0.0047, "%", "…"),
                        new MetricLook("p99-latency", Outcome.CONTINUE, 212.4, 205.0, "ms", "…"))));

        assertThat(line)
                .isEqualTo("[ml-rollout] stage 2 (25%) look 10:25:00Z  error-rate CONTINUE 0.41% vs 0.47%"
                        + "  p99-latency CONTINUE 212ms vs 205ms");
    }

    @Test
    void aSlicedMetricShowsItsTableALinePerSlice() {
        List<SliceLook> slices = List.of(
                new SliceLook("region", "eu-west", 12000, 11800, 0.021, 0.009, SliceLook.Verdict.FAIL),
                new SliceLook("region", "ap-south", 40, 38, 0.0, 0.0, SliceLook.Verdict.TOO_FEW_REQUESTS));
        String line = firstStageLook(new MetricLook("error-rate", Outcome.FAIL, 0.011, 0.009, "%", "…", slices));

        assertThat(line.split("\n"))
                .containsExactly(
                        "[ml-rollout] stage 1 (50%) look 10:25:00Z  error-rate FAIL 1.10% vs 0.90%",
                        "[ml-rollout]     error-rate in region=eu-west: FAIL  2.10% vs 0.90%  requests 12000 / 11800",
                        "[ml-rollout]     error-rate in region=ap-south: too few requests  0.00% vs 0.00%  requests 40"
                                + " / 38");
    }

    @Test
    void theRowOfSlicesBeyondTheListedOnesShowsTheirRequestsAndNoValue() {
        List<SliceLook> slices = List.of(
                new SliceLook("customer", "c-24", 124, 124, 0.008, 0.008, SliceLook.Verdict.OVER_MAX),
                new SliceLook("customer", "(15 more)", 1605, 1605, null, null, SliceLook.Verdict.OVER_MAX));
        String line = firstStageLook(new MetricLook("error-rate", Outcome.CONTINUE, 0.009, 0.009, "%", "…", slices));

        assertThat(line.split("\n"))
                .endsWith("[ml-rollout]     error-rate in customer=(15 more): not judged: over slices.max  – vs –"
                        + "  requests 1605 / 1605");
    }

    @Test
    void textFromOutsideCannotStartALineOfItsOwn() {
        // A signer's comment is typed in a browser; a slice's name comes from Prometheus.
        String forged = "fine\n[ml-rollout] stage 2/2 (50%) PASS score 100\r\tand\u2028more\u0007";
        String signed = LogLines.format(new RolloutEvent.Signed(T, "mallory", Decision.APPROVE, forged, 1, 2));
        String look = LogLines.format(new RolloutEvent.Looked(
                T,
                1,
                50,
                new Window(T.minusSeconds(60), T),
                List.of(new MetricLook(
                        "error-rate",
                        Outcome.CONTINUE,
                        0.01,
                        0.01,
                        "%",
                        "…",
                        List.of(new SliceLook(
                                "region",
                                "eu\n[ml-rollout] PROMOTED",
                                100,
                                100,
                                0.01,
                                0.01,
                                SliceLook.Verdict.SHOWN_WITHIN))))));

        assertThat(signed)
                .isEqualTo("[ml-rollout] approve by mallory (1 of 2): \"fine\\n[ml-rollout] stage 2/2 (50%) PASS score"
                        + " 100\\r\\tand\\u2028more\\u0007\"");
        assertThat(look.split("\n")).hasSize(2).allMatch(line -> line.startsWith("[ml-rollout] "));
        assertThat(look).contains("region=eu\\n[ml-rollout] PROMOTED");
    }

    @Test
    void aSlicedLatencyMetricShowsEachSlicesQuantileInMilliseconds() {
        List<SliceLook> slices = List.of(
                new SliceLook("region", "eu-west", 4500, 4500, 249.2, 232.6, SliceLook.Verdict.FAIL),
                new SliceLook("region", "us-east", 27000, 27000, 233.1, 232.6, SliceLook.Verdict.NO_REGRESSION_SHOWN),
                new SliceLook("region", "ap-south", 0, 0, null, null, SliceLook.Verdict.TOO_FEW_REQUESTS));
        String line = firstStageLook(new MetricLook("p99-latency", Outcome.FAIL, 239.0, 233.0, "ms", "…", slices));

        assertThat(line.split("\n"))
                .containsExactly(
                        "[ml-rollout] stage 1 (50%) look 10:25:00Z  p99-latency FAIL 239ms vs 233ms",
                        "[ml-rollout]     p99-latency in region=eu-west: FAIL  249ms vs 233ms  requests 4500 / 4500",
                        "[ml-rollout]     p99-latency in region=us-east: no regression shown  233ms vs 233ms  requests"
                                + " 27000 / 27000",
                        "[ml-rollout]     p99-latency in region=ap-south: too few requests  no data  requests 0");
    }

    @Test
    void aMetricWithoutDataSaysWhy() {
        String line = LogLines.format(new RolloutEvent.Looked(
                T,
                1,
                5,
                new Window(T.minusSeconds(60), T),
                List.of(new MetricLook("error-rate", Outcome.NODATA, null, null, "%", "no data: candidate: 503"))));

        assertThat(line).endsWith("error-rate NODATA no data: candidate: 503");
    }

    @Test
    void aStageVerdictCarriesItsScoreAndReasons() {
        String line = LogLines.format(new RolloutEvent.StageConcluded(
                T, 2, 3, 25, Verdict.FAIL, 0, List.of("error-rate FAIL: 1.32% on the candidate vs 0.45%")));

        assertThat(line)
                .isEqualTo(
                        "[ml-rollout] stage 2/3 (25%) FAIL score 0  error-rate FAIL: 1.32% on the candidate vs 0.45%");
    }

    @Test
    void signaturesAndRollbacksNameWhoAndWhy() {
        assertThat(LogLines.format(new RolloutEvent.Signed(T, "alice", Decision.APPROVE, "flat error rate", 1, 2)))
                .isEqualTo("[ml-rollout] approve by alice (1 of 2): \"flat error rate\"");
        assertThat(LogLines.format(new RolloutEvent.Signed(T, "erin", Decision.OVERRIDE, "incident 4711", 1, 2)))
                .isEqualTo("[ml-rollout] override by erin (approvals 1 of 2): \"incident 4711\"");
        assertThat(LogLines.format(new RolloutEvent.Signed(T, "bob", Decision.REJECT, "score drift", 0, 2)))
                .isEqualTo("[ml-rollout] reject by bob (approvals 0 of 2): \"score drift\"");
        assertThat(LogLines.format(new RolloutEvent.Signed(T, "bob", Decision.REJECT, "", 1, 2)))
                .as("a rejection needs no comment, and none is not shown as an empty quote")
                .isEqualTo("[ml-rollout] reject by bob (approvals 1 of 2), no comment");
        assertThat(LogLines.format(new RolloutEvent.RolledBack(T, new TrafficSplit("v1", "v2", 0, true))))
                .isEqualTo("[ml-rollout] ROLLED BACK: traffic now v1 100% / v2 0%");
        assertThat(LogLines.format(new RolloutEvent.RollbackFailed(T, "503 from router", null)))
                .contains("ROLLBACK FAILED: 503 from router; the router has not reported a split");
    }

    @Test
    void aGatesTimesReadToTheSecondThoughTheClockGivesNanoseconds() {
        Instant expires = Instant.parse("2026-12-05T00:14:23.944809977Z");

        assertThat(LogLines.format(new RolloutEvent.GateOpened(
                        T, "stage 2/2 (25%)", List.of("alice", "bob"), 2, expires, List.of())))
                .isEqualTo("[ml-rollout] SIGN-OFF NEEDED for stage 2/2 (25%): 2 approval(s) from alice, bob,"
                        + " open until 2026-12-05T00:14:23Z");
        assertThat(LogLines.format(new RolloutEvent.GateExpiring(T, "stage 2/2 (25%)", expires)))
                .endsWith("expires at 2026-12-05T00:14:23Z");
    }

    @Test
    void everyEventOfARealRolloutHasALine() {
        for (RolloutEvent event : ReportTest.events()) {
            assertThat(LogLines.format(event)).startsWith(LogLines.PREFIX).doesNotContain("null");
        }
    }
}

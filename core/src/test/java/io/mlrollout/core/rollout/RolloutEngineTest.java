package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.MetricEvidence;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollout's paths (DESIGN §10) end to end through the real engine and driver, on a virtual clock. */
class RolloutEngineTest {

    static final String THREE_STAGES = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 15%}
            promote: {bake: 10m, signOff: false}
            """;

    /**
     * The baseline's hour that the judge learns from is recorded right after the start, counts and all, so the evidence
     * holds everything the verdicts rest on; it survives the evidence file's JSON and says itself in one log line.
     */
    @Test
    void theBaselinesHourIsRecordedRightAfterTheStart() throws Exception {
        RolloutEngine engine = new RolloutEngine(Harness.policy(THREE_STAGES), java.util.Optional.empty());
        List<Reading.Counts> hour = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            hour.add(new Reading.Counts(10 + i % 7, 1000));
        }
        Instant now = Instant.parse("2026-12-04T10:00:00Z");

        double[] bounds = {50, 100, 250, Double.POSITIVE_INFINITY};
        List<Reading.Histogram> latencies = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // the p99 between 100 and 250 ms, whose bound above holds 0.4% of the requests: counted over 100 ms
            latencies.add(new Reading.Histogram(bounds, new double[] {700, 200 + i % 3, 96, 4}));
        }

        Step started = engine.start(
                "r1",
                "fraud-scorer",
                "v2",
                "dave",
                now,
                new BaselineHistory(Map.of("error-rate", hour), Map.of("p99-latency", latencies)));
        Step plain = engine.start("r1", "fraud-scorer", "v2", "dave", now, BaselineHistory.none());

        assertThat(plain.events()).hasSize(1);
        assertThat(started.events()).hasSize(2).first().isInstanceOf(RolloutEvent.Started.class);
        RolloutEvent.BaselineLearned learned =
                (RolloutEvent.BaselineLearned) started.events().get(1);
        assertThat(learned.intervals().get("error-rate"))
                .hasSize(60)
                .startsWith(new RolloutEvent.IntervalCounts(10, 1000), new RolloutEvent.IntervalCounts(11, 1000));
        RolloutEvent.IntervalBuckets buckets = learned.histograms().get("p99-latency");
        assertThat(buckets.finiteBounds()).containsExactly(50.0, 100.0, 250.0); // JSON has no infinity
        assertThat(buckets.counts()).hasSize(60).startsWith(List.of(700.0, 200.0, 96.0, 4.0));
        var mapper = io.mlrollout.core.json.Json.mapper();
        assertThat(mapper.readValue(mapper.writeValueAsString((RolloutEvent) learned), RolloutEvent.class))
                .isEqualTo(learned);
        assertThat(LogLines.format(learned))
                .isEqualTo("[ml-rollout] the judge learned how the baseline wanders and drifts from its 60 intervals"
                        + " before the rollout (error-rate, p99-latency)");
        MetricEvidence.Ratio errors =
                (MetricEvidence.Ratio) started.state().judge().metrics().get("error-rate");
        assertThat(errors.relative().baselineSerial().pairs()).isEqualTo(58);
        MetricEvidence.LatencyCounts latency =
                (MetricEvidence.LatencyCounts) started.state().judge().metrics().get("p99-latency");
        assertThat(latency.threshold()).isEqualTo(100);
        assertThat(latency.relative().baselineSerial().pairs()).isEqualTo(58);
    }

    @Test
    void aBaselineLearnedEventWrittenBeforeLatencyHistoriesStillReads() throws Exception {
        String written = "{\"type\":\"baseline-learned\",\"at\":\"2026-12-04T10:00:00Z\","
                + "\"intervals\":{\"error-rate\":[{\"bad\":10.0,\"total\":1000.0}]}}";

        RolloutEvent.BaselineLearned read = (RolloutEvent.BaselineLearned)
                io.mlrollout.core.json.Json.mapper().readValue(written, RolloutEvent.class);

        assertThat(read.histograms()).isEmpty();
        assertThat(read.metrics()).containsExactly("error-rate");
    }

    @Test
    void aHealthyCandidatePassesEveryStageAndWaitsAtTheLastWeight() {
        Harness h = new Harness().start(THREE_STAGES).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50);
        assertThat(h.serving.weight).isEqualTo(50);
        assertThat(h.state().stages())
                .extracting(StageSummary::verdict)
                .containsExactly(Verdict.PASS, Verdict.PASS, Verdict.PASS);
        assertThat(h.time.instant()).isEqualTo(Harness.T0.plus(Duration.ofMinutes(30)));
        assertThat(h.events(RolloutEvent.Looked.class)).hasSize(30);
    }

    @Test
    void aRegressionAtStageTwoRollsBackEarlyWithTheReason() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(11));
        assertThat(h.state().stageIndex()).isEqualTo(1);
        h.serving.candidateErrorRate = 0.03; // 3× the baseline's 1%

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.weight).isZero();
        assertThat(h.serving.shifts).containsExactly(5, 25, 0);
        assertThat(h.state().reason()).startsWith("stage 2 failed: error-rate FAIL");
        // within ten minutes of the regression; meanwhile stage 2 could not pass, a tripled rate is never ruled out
        assertThat(h.time.instant()).isBeforeOrEqualTo(Harness.T0.plus(Duration.ofMinutes(21)));
        assertThat(h.state().stages()).extracting(StageSummary::verdict).containsExactly(Verdict.PASS, Verdict.FAIL);
        assertThat(h.events(RolloutEvent.RolledBack.class)).hasSize(1);
    }

    @Test
    void promotionMovesAllTrafficThenWatchesAndFinishes() {
        Harness h = new Harness().start(THREE_STAGES).runToRest();
        assertThat(h.driver.submit(new Input.PromoteRequested("alice", h.time.instant())))
                .isEmpty();

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50, 90, 100);
        assertThat(h.events(RolloutEvent.WatchStarted.class)).hasSize(1);
        assertThat(h.events(RolloutEvent.Promoted.class)).hasSize(1);
    }

    @Test
    void aRegressionWhileWatchingThePromotionRollsBack() {
        Harness h = new Harness().start(THREE_STAGES).runToRest();
        h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
        h.runFor(Duration.ofMinutes(1));
        assertThat(h.phase()).isEqualTo(Phase.WATCHING);
        h.serving.candidateErrorRate = 0.04;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.weight).isZero();
        assertThat(h.state().reason()).startsWith("the promoted candidate regressed");
    }

    @Test
    void promoteIsRefusedBeforeTheCanaryPassed() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(3));

        assertThat(h.driver.submit(new Input.PromoteRequested("alice", h.time.instant())))
                .hasValueSatisfying(why -> assertThat(why).contains("the canary has not passed"));
        assertThat(h.phase()).isEqualTo(Phase.BAKING);
    }

    @Test
    void noDataForTooLongMakesTheStageInconclusiveAndTheDefaultRollsBack() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(2));
        h.serving.metricsDown = true;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().stages()).extracting(StageSummary::verdict).containsExactly(Verdict.INCONCLUSIVE);
        assertThat(h.state().reason()).contains("inconclusive").contains("no data");
        // three looks without data (the default limit), not the whole bake
        assertThat(h.time.instant()).isEqualTo(Harness.T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void oneFailedReadAtTheEndOfABakeIsReadAgainInsteadOfDecidingTheStage() {
        // Stage 1's last look is at 10m; the source is down for that look only.
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofSeconds(9 * 60 + 30));
        h.serving.metricsDown = true;
        h.runFor(Duration.ofMinutes(1));
        assertThat(h.phase()).isEqualTo(Phase.BAKING);
        assertThat(h.state().stages()).isEmpty();
        h.serving.metricsDown = false;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.state().stages()).extracting(StageSummary::verdict).containsOnly(Verdict.PASS);
        // the bake ran over by the one look that had no data
        assertThat(h.events(RolloutEvent.StageStarted.class).get(1).at())
                .isEqualTo(Harness.T0.plus(Duration.ofMinutes(11)));
    }

    @Test
    void aSourceThatStaysDownAtTheEndOfABakeMakesTheStageInconclusiveAtTheLimit() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofSeconds(9 * 60 + 30));
        h.serving.metricsDown = true;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().stages()).extracting(StageSummary::verdict).containsExactly(Verdict.INCONCLUSIVE);
        // looks at 10m, 11m and 12m had no data: the default limit of three
        assertThat(h.events(RolloutEvent.StageConcluded.class).get(0).at())
                .isEqualTo(Harness.T0.plus(Duration.ofMinutes(12)));
    }

    @Test
    void anInconclusiveStageIsExtendedWhenThePolicySaysSo() {
        String lowTraffic = THREE_STAGES
                .replace("bake: 10m}", "bake: 10m, maxBake: 10m}")
                .replace(
                        "analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}",
                        "analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 40000, onInconclusive: extend,"
                                + " limits: {extensions: 1}}");
        Harness h = new Harness().start(lowTraffic).runToRest();

        // 50 req/s to the candidate: 30 000 requests in 10 minutes, 60 000 after one extension
        assertThat(h.events(RolloutEvent.StageExtended.class)).hasSize(1);
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.state().stages())
                .extracting(StageSummary::verdict)
                .containsExactly(Verdict.PASS, Verdict.PASS, Verdict.PASS);
    }

    @Test
    void aBuildAbortRollsBackAndRecordsWhoAborted() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(12));

        h.driver.submit(new Input.AbortRequested("bob", h.time.instant()));
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.events(RolloutEvent.Aborted.class))
                .extracting(RolloutEvent.Aborted::by)
                .containsExactly("bob");
        assertThat(h.state().reason()).isEqualTo("aborted by bob");
    }

    @Test
    void aBuildAbortHoldsTrafficWhenThePolicySaysHold() {
        String hold = THREE_STAGES + "rollback: {onAbort: hold}\n";
        Harness h = new Harness().start(hold).runFor(Duration.ofMinutes(12));

        h.driver.submit(new Input.AbortRequested("bob", h.time.instant()));
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.HALTED);
        assertThat(h.serving.weight).isEqualTo(25);
        assertThat(h.state().reason()).contains("held at 25%");
    }

    @Test
    void aShiftThatKeepsFailingLeadsToRollback() {
        Harness h = new Harness();
        h.serving.stuckAt = 3; // the router never realises the 5% that is asked
        h.start(THREE_STAGES).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLBACK_FAILED); // stuck at 3% even for the rollback
        assertThat(h.events(RolloutEvent.ShiftRetry.class)).hasSize(2 + 2); // 2 retries per shift, 3 attempts each
        assertThat(h.state().reason()).contains("rollback failed");
    }

    @Test
    void aTransientShiftFailureIsRetriedWithBackoff() {
        Harness h = new Harness();
        h.serving.shiftFailures = 2;
        h.start(THREE_STAGES).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.events(RolloutEvent.ShiftRetry.class))
                .extracting(RolloutEvent.ShiftRetry::retryAt)
                .containsExactly(Harness.T0.plusSeconds(5), Harness.T0.plusSeconds(15));
    }

    @Test
    void aSplitThatIsNotReadyYetIsReadAgainUntilItIs() {
        Harness h = new Harness();
        h.serving.notReadyReads = 3;
        h.start(THREE_STAGES).runFor(Duration.ofMinutes(1));

        assertThat(h.phase()).isEqualTo(Phase.BAKING);
        assertThat(h.serving.shifts).containsExactly(5, 5, 5, 5);
        assertThat(h.events(RolloutEvent.StageStarted.class).get(0).at()).isEqualTo(Harness.T0.plusSeconds(15));
    }

    @Test
    void aRollbackThatFailsEndsLoudlyAndCanBeRetried() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(3));
        h.serving.rollbackBroken = true;
        h.serving.candidateErrorRate = 0.05;

        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.ROLLBACK_FAILED);
        assertThat(h.events(RolloutEvent.RollbackFailed.class)).hasSize(1);
        // The router answered nothing during the rollback: the failure says what it last reported.
        assertThat(h.events(RolloutEvent.RollbackFailed.class).get(0).lastKnown())
                .isEqualTo(new TrafficSplit("v1", "v2", h.serving.weight, true));

        h.serving.rollbackBroken = false;
        h.driver.submit(new Input.RollbackRequested("carol", "retry after fixing the router", h.time.instant()));
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.weight).isZero();
    }

    @Test
    void aRollbackIsDoneOnlyOnceTheRouterReportsTheZeroSplitReady() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(3));
        h.serving.notReadyReads = 2; // the router accepts 0% but still sends traffic to v2 while it applies it

        h.driver.submit(new Input.RollbackRequested("carol", "pipeline failed", h.time.instant()));
        h.runFor(Duration.ofSeconds(5));
        assertThat(h.phase()).isEqualTo(Phase.ROLLING_BACK);

        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.events(RolloutEvent.RolledBack.class))
                .singleElement()
                .satisfies(done -> assertThat(done.split().ready()).isTrue());
    }

    @Test
    void aRollbackThatNeverBecomesReadyEndsAsFailedWithTheSplitLastReported() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(3));
        h.serving.notReadyReads = Integer.MAX_VALUE;

        h.driver.submit(new Input.RollbackRequested("carol", "pipeline failed", h.time.instant()));
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLBACK_FAILED);
        assertThat(h.events(RolloutEvent.RollbackFailed.class).get(0).lastKnown())
                .isEqualTo(new TrafficSplit("v1", "v2", 0, false));
    }

    /**
     * Someone rolled the endpoint back outside this rollout (mlrollout rollback --endpoint, kubectl) while it baked:
     * the next stage does not move traffic back up from where they left it; the rollout rolls back.
     */
    @Test
    void aRouterMovedOutsideTheRolloutIsNotShiftedBackUpButRolledBack() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofSeconds(9 * 60 + 30));
        assertThat(h.phase()).isEqualTo(Phase.BAKING);
        h.serving.weight = 0;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.shifts).containsExactly(5, 0);
        assertThat(h.state().reason()).contains("reports v1 100% / v2 0% where this rollout left 5%");
    }

    @Test
    void rollbackIsIdempotent() {
        Harness h = new Harness().start(THREE_STAGES).runFor(Duration.ofMinutes(3));
        h.driver.submit(new Input.RollbackRequested("carol", "pipeline failed", h.time.instant()));
        h.runToRest();
        int shifts = h.serving.shifts.size();

        assertThat(h.driver.submit(new Input.RollbackRequested("carol", "again", h.time.instant())))
                .isEmpty();
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.shifts).hasSize(shifts);
        assertThat(h.events(RolloutEvent.Ignored.class)).hasSize(1);
    }

    @Test
    void aDryRunReadsEverythingOnceAndMovesNothing() {
        Harness h = new Harness().start(THREE_STAGES + "dryRun: true\n").runToRest();

        assertThat(h.phase()).isEqualTo(Phase.DRY_RUN_COMPLETE);
        assertThat(h.serving.shifts).isEmpty();
        assertThat(h.serving.metricReads).isEqualTo(4); // two metrics, two versions
        assertThat(h.events(RolloutEvent.DryRunChecked.class)).hasSize(1);
    }

    @Test
    void theStateSurvivesAJsonRoundTripMidBakeAndTheRolloutContinuesTheSame() {
        Harness straight = new Harness().start(THREE_STAGES).runToRest();

        Harness interrupted = new Harness().start(THREE_STAGES).runFor(Duration.ofSeconds(14 * 60 + 30));
        String saved = RolloutStateCodec.write(interrupted.state());
        RolloutState restored = RolloutStateCodec.read(saved);
        assertThat(restored).isEqualTo(interrupted.state());
        assertThat(saved.length()).isLessThan(16 * 1024);

        Harness resumed = interrupted.resumeFrom(saved).runToRest();

        assertThat(resumed.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(resumed.state().stages()).isEqualTo(straight.state().stages());
        assertThat(resumed.time.instant()).isEqualTo(straight.time.instant());
    }

    @Test
    void theWatchKeepsAShareOnTheBaselineAndComparesWithIt() {
        Harness h = new Harness().start(THREE_STAGES).runToRest();
        h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
        h.runFor(Duration.ofMinutes(1));

        assertThat(h.phase()).isEqualTo(Phase.WATCHING);
        assertThat(h.serving.weight).isEqualTo(90); // promote.holdback: 10% by default
        RolloutEvent.Looked look = h.events(RolloutEvent.Looked.class)
                .get(h.events(RolloutEvent.Looked.class).size() - 1);
        assertThat(look.metrics().get(0).baseline()).isNotNull(); // the held-back baseline was read beside it
    }

    @Test
    void aBaselineChangeDuringTheWatchThatHitsBothVersionsIsNoRegression() {
        Harness h = new Harness().start(THREE_STAGES).runToRest();
        h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
        h.runFor(Duration.ofMinutes(1));
        h.serving.candidateErrorRate = 0.03; // an upstream fault triples errors on both versions
        h.serving.baselineErrorRate = 0.03;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
    }

    @Test
    void withoutAHoldbackTheWatchIsAt100AndSaysItJudgesTheLimitsOnly() {
        Harness h = new Harness()
                .start(THREE_STAGES.replace(
                        "promote: {bake: 10m, signOff: false}", "promote: {bake: 10m, holdback: 0, signOff: false}"))
                .runToRest();
        h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50, 100);
        List<RolloutEvent.Looked> looks = h.events(RolloutEvent.Looked.class);
        assertThat(looks.get(looks.size() - 1).metrics().get(0).explanation())
                .contains("no live baseline (promote.holdback: 0), so only the absolute limit is judged");
    }

    @Test
    void aStageWithoutEnoughEvidenceBakesOnAndEndsInconclusiveAtItsMaxBake() {
        Harness h = new Harness();
        h.serving.requestsPerSecond = 20; // 1 req/s to the 5% stage: a doubling cannot be ruled out in 30 minutes
        h.start(THREE_STAGES.replace("minRequests: 500", "minRequests: 50")).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK); // onInconclusive: rollback by default
        assertThat(h.state().stages()).extracting(StageSummary::verdict).containsExactly(Verdict.INCONCLUSIVE);
        assertThat(h.events(RolloutEvent.StageConcluded.class).get(0).at())
                .isEqualTo(Harness.T0.plus(Duration.ofMinutes(30))); // baked on from 10 to its maxBake of 30 minutes
        assertThat(h.state().reason()).contains("not enough data yet to show the candidate below 2× the baseline");
    }

    @Test
    void anExtensionAfterBakingOnGivesAWholeBakeFromTheLookThatFoundItInconclusive() {
        Harness h = new Harness();
        h.serving.requestsPerSecond = 20;
        h.start(THREE_STAGES.replace(
                        "minRequests: 500}", "minRequests: 50, onInconclusive: extend, limits: {extensions: 1}}"))
                .runToRest();

        RolloutEvent.StageExtended extended =
                h.events(RolloutEvent.StageExtended.class).get(0);
        assertThat(extended.at()).isEqualTo(Harness.T0.plus(Duration.ofMinutes(30))); // at its maxBake
        assertThat(extended.bakeEndsAt()).isEqualTo(Harness.T0.plus(Duration.ofMinutes(40))); // not 20: already past
    }
}

package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The plan a rollout logs first: read through the rollout's own metrics source, warn or refuse, never fail on I/O. */
class PreflightPlanTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static Policy policy(String plan, String weight) {
        return JudgeTest.parse("""
                stages:
                  - {weight: WEIGHT, bake: 10m, maxBake: 30m}
                analysis: {interval: 1m, minRequests: 100, falseRollbackRate: 1%, plan: PLAN}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                """.replace("PLAN", plan).replace("WEIGHT", weight));
    }

    /** The baseline's endpoint at 6000 requests a minute, 1% bad; records the windows it was asked for. */
    private static final class SteadyBaseline implements MetricsSource {
        final List<Window> windows = new ArrayList<>();

        @Override
        public Reading read(io.mlrollout.core.policy.MetricSpec metric, String endpoint, String version, Window w) {
            windows.add(w);
            assertThat(version).isEqualTo("v1");
            return new Reading.Counts(60, 6000);
        }
    }

    @Test
    void theFirstLinesSayWhatTheBaselineShowedAndHowLongEachStageNeeds() {
        SteadyBaseline source = new SteadyBaseline();

        PreflightPlan.Result plan = PreflightPlan.plan(policy("warn", "50"), source, "fraud-scorer", "v1", NOW);

        assertThat(plan.refused()).isFalse();
        assertThat(plan.lines().get(0))
                .isEqualTo("plan: the baseline v1 over the last 60 min, errors: 6000 requests/min, 1.00% bad, wander"
                        + " CV 0.00%; the judge learns from these minutes how the baseline drifts");
        assertThat(plan.history().of("errors")).hasSize(60);
        assertThat(plan.lines().get(1))
                .startsWith("plan: stage 1 (50%) errors: 3000 canary requests/min; catches 2× with 95% power in ~")
                .endsWith("maxBake 30 min: fits");
        // an hour of one-minute windows, the last ending now
        assertThat(source.windows).hasSize(60);
        assertThat(source.windows.get(59).end()).isEqualTo(NOW);
    }

    @Test
    void aLatencyQuantileJudgedOnCountsIsReadAsHistogramsThatPlaceItsThresholdBeforeTheFirstLook() {
        MetricsSource source = latencyByMinutesAgo(minutesAgo -> LatencyCountJudgeTest.latencies(6000, 1));

        PreflightPlan.Result plan = PreflightPlan.plan(latencyPolicy("50%"), source, "fraud-scorer", "v1", NOW);

        assertThat(plan.history().histogramsOf("p99")).hasSize(60);
        assertThat(plan.history().of("errors")).hasSize(60);
        assertThat(plan.lines().get(1))
                .isEqualTo("plan: the baseline v1 over the last 60 min, p99: p99 233ms; requests slower than 100ms"
                        + " (8.28% of the baseline's) are counted from the first look, which already carries evidence:"
                        + " their share is calm over the hour, and the judge starts from its wander");
    }

    @Test
    void aLatencyPlanSaysWhenTheHourDriftsSoTheFirstLookOnlyTeachesTheRate() {
        // latency 20% higher for six minutes, then six as before: the share over 100 ms swings in long spells
        MetricsSource source = latencyByMinutesAgo(
                minutesAgo -> LatencyCountJudgeTest.latencies(6000, minutesAgo / 6 % 2 == 0 ? 1 : 1.2));

        String drifting = latencyLine("50%", source);
        String poisson = latencyLine("0%", source);

        assertThat(drifting)
                .endsWith("are counted; their share drifts over the hour, so the judge allows for that drift from the"
                        + " first look, the first look only teaches the rate, and the judge learns from the rollout's"
                        + " own minutes how the share wanders");
        assertThat(poisson).endsWith("are counted from the first look, as Poisson minutes (analysis.maxDispersion 0%)");
    }

    @Test
    void aLatencyPlanSaysWhereTheHourSteppedWithTheLoadAndThatItIsCalmOnEitherSide() {
        // latency 20% higher from the hour's 30th minute on: one load step, calm on either side
        MetricsSource source =
                latencyByMinutesAgo(minutesAgo -> LatencyCountJudgeTest.latencies(6000, minutesAgo < 30 ? 1.2 : 1));

        String stepped = latencyLine("50%", source);

        assertThat(stepped)
                .endsWith("are counted from the first look, which already carries evidence: their share is calm over"
                        + " the hour, stepped ×1.85 after interval 30 of 60 (a change that moves both versions alike;"
                        + " the wander is measured on either side), and the judge starts from its wander");
    }

    @Test
    void aLatencyPlanSaysWhenTooFewMinutesOfTheHourHadTrafficToShowTheShareCalm() {
        // traffic in the hour's last minute only
        MetricsSource source =
                latencyByMinutesAgo(minutesAgo -> LatencyCountJudgeTest.latencies(minutesAgo == 0 ? 6000 : 0, 1));

        String plan = latencyLine("50%", source);

        assertThat(plan)
                .endsWith("are counted; too few minutes of the hour had traffic to show their share calm, the first"
                        + " look only teaches the rate, and the judge learns from the rollout's own minutes how the"
                        + " share wanders");
    }

    /**
     * The p99's histograms of the window that ended so many whole minutes before {@link #NOW}, and the errors' steady
     * counts.
     */
    private static MetricsSource latencyByMinutesAgo(IntFunction<Reading.Histogram> p99) {
        return (metric, endpoint, version, window) -> metric.name().equals("p99")
                ? p99.apply((int) Duration.between(window.end(), NOW).toMinutes())
                : new Reading.Counts(60, 6000);
    }

    /** The plan's line for the latency metric, under a policy with that {@code maxDispersion}. */
    private static String latencyLine(String maxDispersion, MetricsSource source) {
        return PreflightPlan.plan(latencyPolicy(maxDispersion), source, "fraud-scorer", "v1", NOW)
                .lines()
                .get(1);
    }

    private static Policy latencyPolicy(String maxDispersion) {
        return JudgeTest.parse("""
                stages:
                  - {weight: 25, bake: 10m, maxBake: 30m}
                analysis: {interval: 1m, minRequests: 100, falseRollbackRate: 1%%, maxDispersion: %s}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%%}
                  - {name: p99, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 5%%}
                """.formatted(maxDispersion));
    }

    @Test
    void aShadowStageIsNamedByItsMirroredShareNotAsZeroPercent() {
        Policy shadow = JudgeTest.parse("""
                stages:
                  - {shadow: 20%, bake: 10m, maxBake: 30m}
                  - {weight: 50, bake: 10m, maxBake: 30m}
                analysis: {interval: 1m, minRequests: 100, falseRollbackRate: 1%}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                """);

        PreflightPlan.Result plan = PreflightPlan.plan(shadow, new SteadyBaseline(), "fraud-scorer", "v1", NOW);

        assertThat(plan.lines().get(1)).startsWith("plan: stage 1 (shadow 20%) errors: 1200 canary requests/min;");
        assertThat(plan.lines().get(2)).startsWith("plan: stage 2 (50%) errors: 3000 canary requests/min;");
    }

    @Test
    void aSlicedMetricsPlanSaysItCoversAllTrafficOnlyAndRefusesNothingForIt() {
        Policy sliced = JudgeTest.parse("""
                stages:
                  - {weight: 50, bake: 10m, maxBake: 30m}
                analysis: {interval: 1m, minRequests: 100, falseRollbackRate: 1%, plan: refuse}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%, slices: {label: region}}
                """);

        PreflightPlan.Result plan = PreflightPlan.plan(sliced, new SteadyBaseline(), "fraud-scorer", "v1", NOW);

        assertThat(plan.refused()).as(plan.lines().toString()).isFalse();
        assertThat(plan.lines())
                .contains("plan: note: errors is judged per region as well: planned over all traffic only; a judged"
                        + " region whose estimate stays beyond the bounds holds a stage up to its maxBake, so a healthy"
                        + " candidate may need longer than planned or end inconclusive");
    }

    @Test
    void underRefuseAPlanWithWarningsRefusesAndSaysNoTrafficMoved() {
        PreflightPlan.Result warned =
                PreflightPlan.plan(policy("warn", "1"), (m, e, v, w) -> new Reading.Counts(0, 20), "e", "v1", NOW);
        PreflightPlan.Result refused =
                PreflightPlan.plan(policy("refuse", "1"), (m, e, v, w) -> new Reading.Counts(0, 20), "e", "v1", NOW);

        assertThat(warned.refused()).isFalse();
        assertThat(warned.lines()).anyMatch(line -> line.startsWith("plan: WARNING: stage 1 (1%): errors needs"));
        assertThat(refused.refused()).isTrue();
        assertThat(refused.lines().get(refused.lines().size() - 1))
                .startsWith("plan: refused (analysis.plan: refuse): ")
                .contains("no traffic moved");
    }

    @Test
    void aPlanThatCannotBeReadIsAWarningNotARefusal() {
        PreflightPlan.Result plan = PreflightPlan.plan(
                policy("refuse", "50"),
                (m, e, v, w) -> {
                    throw new MetricsException("Prometheus at http://127.0.0.1:9/ did not answer");
                },
                "e",
                "v1",
                NOW);

        assertThat(plan.refused()).isFalse();
        assertThat(plan.lines())
                .containsExactly("plan: WARNING: the baseline v1 could not be read for errors (Prometheus at"
                        + " http://127.0.0.1:9/ did not answer), so there is no plan; the rollout goes on and its own"
                        + " looks decide");
    }

    /** A baseline that served nothing in the hour (a new endpoint, the demo's simulator) gives the judge nothing. */
    @Test
    void anHourWithoutTrafficTeachesTheJudgeNothing() {
        MetricsSource empty = (metric, endpoint, version, window) -> new Reading.Counts(0, 0);

        PreflightPlan.Result plan = PreflightPlan.plan(policy("warn", "50"), empty, "fraud-scorer", "v1", NOW);

        assertThat(plan.lines().get(0)).endsWith("errors: no traffic");
        assertThat(plan.history().intervals()).isZero();
        assertThat(plan.history().perMetric()).isEmpty();
    }

    @Test
    void shortIntervalsReadAtMostTheCapOfWindows() {
        assertThat(PreflightPlan.window(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(600));
        assertThat(PreflightPlan.window(Duration.ofMinutes(1))).isEqualTo(Duration.ofHours(1));
    }
}

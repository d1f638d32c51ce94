package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.time.VirtualTime;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's way of feeding the judge gives the same decisions as the real engine and driver, the baseline's hour
 * before the rollout handed to both.
 */
class OurJudgeTest {

    private static final TrafficModel POISSON = TrafficModel.named("poisson");

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void decidesAtTheSameMinuteAsTheRealEngineOnTheSameReadings() {
        for (Policy policy :
                List.of(BenchSetup.policy(), BenchSetup.policyWithSlowRequests(BenchSetup.DEFAULT_SLOW_THRESHOLD_MS))) {
            OurJudge judge = new OurJudge(policy);
            int rollbacks = 0;
            int passes = 0;
            for (Scenario scenario : Scenario.all()) {
                for (double rate : BenchSetup.CANARY_RATES) {
                    for (int run = 0; run < 4; run++) {
                        Traffic traffic = new RolloutGenerator(POISSON, rate, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS)
                                .generate(scenario, Seeds.of(11, run));
                        int decided = judge.decide(traffic);
                        int engine = engineDecision(policy, traffic);
                        if (decided == RolloutJudge.INCONCLUSIVE) {
                            // the policy says onInconclusive: rollback; the benchmark counts it apart
                            assertThat(engine).isNotEqualTo(RolloutJudge.PROMOTED);
                            continue;
                        }
                        assertThat(decided)
                                .as(
                                        "%s at %s req/s, run %d, %d metrics",
                                        scenario.name(),
                                        rate,
                                        run,
                                        policy.metrics().size())
                                .isEqualTo(engine);
                        if (decided == RolloutJudge.PROMOTED) {
                            passes++;
                        } else {
                            rollbacks++;
                        }
                    }
                }
            }
            // both outcomes occur often enough to compare (at 2 req/s many runs end inconclusive instead)
            assertThat(rollbacks).isGreaterThan(5);
            assertThat(passes).isGreaterThan(5);
        }
    }

    /**
     * Where the rates wander, a stage whose bake ends before the data show anything bakes on, as the engine lets it up
     * to its maxBake, and catches regressions in the rollout's last minutes at the same minute as the engine. A
     * candidate with 1.5 times the errors seldom passes the stage, so a rollback after the bake is the stage's own.
     */
    @Test
    void aStageUndecidedAtTheEndOfItsBakeBakesOnAsTheEngineLetsIt() {
        Policy policy = BenchSetup.policy();
        OurJudge judge = new OurJudge(policy);
        RolloutGenerator generator =
                new RolloutGenerator(TrafficModel.named("overdispersed"), 20, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS);
        int late = 0;
        for (int run = 0; run < 200 && late < 2; run++) {
            Traffic traffic = generator.generate(Scenario.errors(1.5), Seeds.of(12, run));
            int decided = judge.decide(traffic);
            if (decided > BenchSetup.CANARY_LOOKS && decided <= BenchSetup.MINUTES) {
                assertThat(decided).as("run %d", run).isEqualTo(engineDecision(policy, traffic));
                late++;
            }
        }
        assertThat(late).as("rollbacks after the bake's last minute").isEqualTo(2);
    }

    /**
     * Runs the rollout with the real engine and driver in virtual time, reading the stream minute by minute, and
     * promotes when the canary passes, as the pipeline's mlPromote does.
     */
    private static int engineDecision(Policy policy, Traffic traffic) {
        VirtualTime time = new VirtualTime(T0);
        Replay endpoint = new Replay(traffic);
        RolloutDriver driver = RolloutDriver.start(
                new RolloutEngine(policy, Optional.empty()),
                endpoint,
                endpoint,
                time,
                time,
                RolloutDriver.eventsTo(event -> {}),
                "replay",
                "bench",
                "v2",
                "bench",
                traffic.history());
        runUntilResting(driver, time);
        if (driver.state().phase() == Phase.CANARY_PASSED) {
            driver.submit(new Input.PromoteRequested("bench", time.instant()));
            runUntilResting(driver, time);
        }
        RolloutState state = driver.state();
        if (state.phase() == Phase.PROMOTED) {
            return RolloutJudge.PROMOTED;
        }
        assertThat(state.phase()).isEqualTo(Phase.ROLLED_BACK);
        return (int) Duration.between(T0, state.phaseSince()).toMinutes();
    }

    private static void runUntilResting(RolloutDriver driver, VirtualTime time) {
        while (!driver.state().phase().isResting() && time.runNext()) {
            // each task is one driver run
        }
    }

    /** A router that shifts at once and a metrics source that replays a generated stream by minute. */
    private static final class Replay implements TrafficRouter, MetricsSource {
        private final Traffic traffic;
        private int weight;

        Replay(Traffic traffic) {
            this.traffic = traffic;
        }

        @Override
        public TrafficSplit current() {
            return new TrafficSplit("v1", "v2", weight, true);
        }

        @Override
        public TrafficSplit shift(String candidate, int canaryWeight) {
            weight = canaryWeight;
            return current();
        }

        @Override
        public String describe() {
            return "replay";
        }

        @Override
        public Reading read(MetricSpec metric, String endpoint, String version, Window window) {
            int i = (int) Duration.between(T0, window.start()).toMinutes();
            Readings minute = OurJudge.readings(traffic, i).get(metric.name());
            return version.equals("v2") ? minute.candidate() : minute.baseline();
        }
    }
}

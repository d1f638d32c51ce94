package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --traffic}: the demo's simulator serves under the chosen traffic model. */
class DemoTrafficTest {

    private static final Instant START = DemoScenariosTest.START;

    @TempDir
    Path dir;

    @Test
    void simulatedTimeServesNothingInTheModelsEmptyMinutesAndTheRateInTheOthers() {
        Simulator simulator = Simulator.builder()
                .seed(3)
                .traffic(TrafficModel.named("low-traffic"))
                .trafficStart(START)
                .build();
        SimulatedTraffic traffic = new SimulatedTraffic(simulator, 100, START);
        int empty = 0;
        for (int minute = 0; minute < 60; minute++) {
            Instant from = START.plusSeconds(60L * minute);
            traffic.advanceTo(from.plusSeconds(60));
            long served = traffic.at(from.plusSeconds(60)).baseline().requests()
                    - traffic.at(from).baseline().requests();
            double factor = simulator.trafficFactor(from);
            assertThat((double) served).isCloseTo(6000 * factor, within(1.0));
            empty += factor == 0 ? 1 : 0;
        }
        assertThat(empty).isPositive();
    }

    @Test
    void theRegressionIsStillRolledBackWhenBothVersionsShiftAndTheRunSaysWhichModel() throws Exception {
        StringWriter console = new StringWriter();
        DemoRun.Result result = DemoRun.run(
                new DemoRun.Options(
                        Scenario.REGRESSION,
                        0,
                        dir.resolve("shift"),
                        42,
                        START,
                        Optional.empty(),
                        TrafficModel.named("shared-shift")),
                new PrintWriter(console, true));

        assertThat(result.end().phase()).as(console.toString()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(console.toString()).contains("traffic model shared-shift: both versions' errors double");
    }

    @Test
    void aHealthyCandidateThatProductionTrafficLeavesUnprovenIsRolledBackAsInconclusiveAndTheDemoSaysWhy() {
        Cli.Result run = Cli.run(
                Environment.system(),
                "demo",
                "--traffic",
                "production",
                "--fast",
                "--out",
                dir.resolve("production").toString());

        // seed 42: stage 1 cannot show the healthy candidate below 2x within its maxBake, and nothing failed
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("Outcome: ROLLED_BACK — stage 1 was inconclusive")
                .doesNotContain("FAIL")
                .contains("Not promoted, which can happen on production traffic")
                .doesNotContain("NOT as expected");
    }

    @Test
    void onlyTrafficThatWandersExcusesAHealthyCandidateLeftUnproven() throws Exception {
        DemoRun.Result production = DemoRun.run(
                new DemoRun.Options(
                        Scenario.HEALTHY,
                        0,
                        dir.resolve("unproven"),
                        42,
                        START,
                        Optional.empty(),
                        TrafficModel.named("production")),
                new PrintWriter(new StringWriter(), true));
        assertThat(production.end().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(production.notShownHealthy()).isTrue();

        // the same end on Poisson minutes, where a stage at this traffic has the evidence, is not as expected
        DemoRun.Result poisson = new DemoRun.Result(
                production.scenario(),
                TrafficModel.named("poisson"),
                production.end(),
                production.split(),
                production.files(),
                production.evidenceLines(),
                production.head());
        assertThat(poisson.notShownHealthy()).isFalse();
        assertThat(poisson.asExpected()).isFalse();
    }

    @Test
    void anUnknownModelIsRefusedByNameWithTheKnownOnes() {
        Cli.Result run = Cli.run(
                Environment.system(),
                "demo",
                "--traffic",
                "weekly",
                "--out",
                dir.resolve("x").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--traffic").contains("'weekly'").contains("production");
    }
}

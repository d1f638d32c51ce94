package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan}'s table, against the simulator through the real webhook router, with the baseline's hour behind it. */
class PlanTableTest {

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2")).withHistoryBeforeT0();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void everyRowKeepsToItsColumnsWhateverTheStageLabelAndMetricName() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                endpoint: fraud-scorer
                stages:
                  - {shadow: 100%, bake: 5m}
                  - {weight: 10, bake: 5m}
                metrics:
                  - {name: checkout-error-rate-eu, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                """);

        Cli.Result plan = Cli.run(
                endpoint.environment(),
                "plan",
                policy.toString(),
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString());

        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        List<String> table = plan.out()
                .lines()
                .dropWhile(line -> !line.startsWith("stage "))
                .takeWhile(line -> !line.startsWith("WARNING"))
                .toList();
        assertThat(table).hasSize(3);
        String header = table.get(0);
        for (String column : List.of("weight", "metric", "canary req/min", "catch (95%)", "maxBake", "fits")) {
            int at = header.indexOf(column);
            for (String row : table.subList(1, table.size())) {
                assertThat(row.charAt(at - 1))
                        .as("the character before %s in %s", column, row)
                        .isEqualTo(' ');
                assertThat(row.charAt(at)).as("%s in %s", column, row).isNotEqualTo(' ');
            }
        }
        assertThat(table.get(1)).startsWith("1      shadow 100% checkout-error-rate-eu 60000 ");
    }
}

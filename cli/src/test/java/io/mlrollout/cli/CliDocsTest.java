package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/cli.md stays true: its endpoint files parse, its CI examples are YAML and call commands that exist. */
class CliDocsTest {

    private static final Path DOC = Path.of("..", "docs", "cli.md");

    @Test
    void theEndpointFileExampleParsesAndBuildsItsConnectors() throws Exception {
        String example = yamlBlocks().stream()
                .filter(block -> block.startsWith("name: fraud-scorer"))
                .findFirst()
                .orElseThrow();

        EndpointFile file = EndpointFileParser.parse(example, "docs/cli.md");

        Environment env =
                new Environment(Map.of("ROUTER_TOKEN", "t", "PROMETHEUS_PASSWORD", "p"), () -> null, (p, c) -> null);
        assertThat(Connectors.router(file, env, "docs").describe()).startsWith("webhook https://");
        assertThat(file.signOff().minimumQuorum()).isEqualTo(2);
        assertThat(file.signOff().matrix().roles().keySet()).containsExactly("model-owner", "platform", "risk");
        assertThat(file.signOff().matrix().escalationFor(java.util.Set.of("platform")))
                .containsExactly("oncall@example.com");
        assertThat(file.windowOverriders()).containsExactly("ops-lead", "release-managers");
    }

    @Test
    void theIstioRouterExampleParses() throws Exception {
        String router = yamlBlocks().stream()
                .filter(block -> block.startsWith("router:\n  type: istio"))
                .findFirst()
                .orElseThrow();

        EndpointFile file = EndpointFileParser.parse(
                "name: fraud-scorer\n" + router + "prometheus: {url: 'http://prometheus:9090'}\n", "docs/cli.md");

        assertThat(file.router()).isInstanceOf(EndpointFile.Istio.class);
    }

    @Test
    void theCiExamplesAreYamlAndUseOnlyCommandsThatExist() throws Exception {
        List<String> pipelines = yamlBlocks().stream()
                .filter(block -> block.contains("mlrollout.jar"))
                .toList();
        assertThat(pipelines).hasSize(2);
        List<String> commands =
                new ArrayList<>(MlRollout.commandLine(new Environment(Map.of(), () -> null, (p, c) -> null))
                        .getSubcommands()
                        .keySet());
        for (String pipeline : pipelines) {
            JsonNode tree = new YAMLMapper().readTree(pipeline);
            assertThat(tree.isObject()).isTrue();
            pipeline.lines()
                    .filter(line -> line.contains("mlrollout.jar "))
                    .map(line -> line.substring(line.indexOf("mlrollout.jar ") + "mlrollout.jar ".length())
                            .split(" ")[0])
                    .forEach(command -> assertThat(commands).contains(command));
        }
    }

    private static List<String> yamlBlocks() throws Exception {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (block == null && line.equals("```yaml")) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }
}

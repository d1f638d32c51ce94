package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a user writes, edited at random: the policies and endpoint files of the docs and the demo, each edited many
 * times (a value replaced by an odd one, a key dropped, copied or moved, a value wrapped in a list, a line dropped or
 * shifted, a character dropped). Every edit is either read or refused with its reasons ({@link InputException} or
 * {@link PolicyException}, every line of it saying something), and so is each pair that both read and the risk tier
 * of a policy with tiers: never another exception, which the command line would print as an unexpected error.
 */
class InputEditsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
    private static final List<String> DEMO_POLICIES = List.of(
            "demo-policy.yaml",
            "demo-policy-prometheus.yaml",
            "demo-policy-slices.yaml",
            "demo-policy-slice-latency.yaml",
            "demo-policy-tiers.yaml");
    private static final Map<String, Object> FACTS =
            Map.of("changeType", "minor", "evalDelta", 0.01, "featuresChanged", false);
    private static final int EDITS = 6_000;

    /** Values a hand or a script gets wrong: signs, units, types, bounds and empties. */
    private static final List<JsonNode> ODD_VALUES = List.of(
            TextNode.valueOf(""),
            TextNode.valueOf("-1"),
            TextNode.valueOf("1e309"),
            TextNode.valueOf("NaN"),
            TextNode.valueOf("150%"),
            TextNode.valueOf("-5%"),
            TextNode.valueOf("0s"),
            TextNode.valueOf("1.5m"),
            TextNode.valueOf("99999999999999999999d"),
            TextNode.valueOf("abc"),
            TextNode.valueOf("istio-errors"),
            IntNode.valueOf(-1),
            IntNode.valueOf(0),
            IntNode.valueOf(100),
            DoubleNode.valueOf(1e308),
            DoubleNode.valueOf(0.5),
            BooleanNode.TRUE,
            NullNode.instance,
            JsonNodeFactory.instance.arrayNode(),
            JsonNodeFactory.instance.objectNode());

    @Test
    void everyEditOfAPolicyOrAnEndpointFileIsReadOrRefusedWithReasons() throws Exception {
        List<String> policies = new ArrayList<>();
        for (String resource : DEMO_POLICIES) {
            policies.add(resource(resource));
        }
        policies.addAll(yamlBlocks(Path.of("..", "docs", "policy.md")).stream()
                .filter(block -> block.contains("stages:") && block.contains("metrics:"))
                .toList());
        List<String> endpoints = yamlBlocks(Path.of("..", "docs", "cli.md")).stream()
                .filter(block -> block.startsWith("name: ") && block.contains("router:"))
                .toList();
        assertThat(policies).hasSizeGreaterThan(DEMO_POLICIES.size());
        assertThat(endpoints).isNotEmpty();
        Policy demo = PolicyParser.parse(policies.get(0));
        EndpointFile documented = EndpointFileParser.parse(endpoints.get(0), "docs/cli.md");
        SplittableRandom random = new SplittableRandom(20261204L);
        int read = 0;

        for (int i = 0; i < EDITS; i++) {
            String policy = edited(policies.get(random.nextInt(policies.size())), random);
            String endpoint = edited(endpoints.get(random.nextInt(endpoints.size())), random);
            read += readsOrRefuses(policy, endpoint, demo, documented) ? 1 : 0;
        }
        // The edits must reach past the first refusal often enough to exercise what reads the rest.
        assertThat(read).isGreaterThan(EDITS / 50);
    }

    /** Whether both files read; fails the test on any exception but a refusal with reasons. */
    private static boolean readsOrRefuses(
            String policyText, String endpointText, Policy demo, EndpointFile documented) {
        Path policyFile = Path.of("policy.yaml");
        Policy policy = null;
        EndpointFile endpoint = null;
        try {
            policy = PolicyParser.parse(policyText);
            if (!policy.tiers().tiers().isEmpty()) {
                Inputs.tier(policy, policyFile, documented, FACTS);
            }
            Inputs.combine(policy, policyFile, documented);
        } catch (PolicyException | InputException refused) {
            requireReasons(refused, policyText);
        } catch (RuntimeException unexpected) {
            throw new AssertionError("the policy was neither read nor refused:\n" + policyText, unexpected);
        }
        try {
            endpoint = EndpointFileParser.parse(endpointText, "endpoint.yaml");
            Inputs.combine(demo, policyFile, endpoint);
        } catch (InputException refused) {
            requireReasons(refused, endpointText);
        } catch (RuntimeException unexpected) {
            throw new AssertionError("the endpoint file was neither read nor refused:\n" + endpointText, unexpected);
        }
        return policy != null && endpoint != null;
    }

    private static void requireReasons(Exception refused, String text) {
        assertThat(refused.getMessage().lines())
                .as("refusal of%n%s", text)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).isNotBlank());
    }

    private static String edited(String text, SplittableRandom random) throws IOException {
        if (random.nextInt(4) == 0) {
            return editedLines(text, random);
        }
        JsonNode tree = YAML.readTree(text);
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            editSomewhere(tree, random);
        }
        return YAML.writeValueAsString(tree);
    }

    private static String editedLines(String text, SplittableRandom random) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int index = random.nextInt(lines.size());
        String line = lines.get(index);
        switch (random.nextInt(4)) {
            case 0 -> lines.remove(index);
            case 1 -> lines.add(index, lines.get(random.nextInt(lines.size())));
            case 2 -> lines.set(index, " " + line);
            default -> {
                if (!line.isEmpty()) {
                    int at = random.nextInt(line.length());
                    lines.set(index, line.substring(0, at) + line.substring(at + 1));
                }
            }
        }
        return String.join("\n", lines);
    }

    /** One edit in a mapping or list chosen at random anywhere in the tree. */
    private static void editSomewhere(JsonNode root, SplittableRandom random) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode chosen = containers.get(random.nextInt(containers.size()));
        if (chosen instanceof ObjectNode mapping && !mapping.isEmpty()) {
            List<String> keys = new ArrayList<>();
            mapping.fieldNames().forEachRemaining(keys::add);
            String key = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(5)) {
                case 0 -> mapping.remove(key);
                case 1 ->
                    mapping.set(
                            key,
                            mapping.get(keys.get(random.nextInt(keys.size()))).deepCopy());
                case 2 ->
                    mapping.set(
                            key,
                            JsonNodeFactory.instance
                                    .arrayNode()
                                    .add(mapping.get(key).deepCopy()));
                case 3 -> copyKeyFromElsewhere(mapping, containers, random);
                default ->
                    mapping.set(
                            key,
                            ODD_VALUES.get(random.nextInt(ODD_VALUES.size())).deepCopy());
            }
        } else if (chosen instanceof ArrayNode list && !list.isEmpty()) {
            int index = random.nextInt(list.size());
            switch (random.nextInt(3)) {
                case 0 -> list.remove(index);
                case 1 -> list.add(list.get(index).deepCopy());
                default ->
                    list.set(
                            index,
                            ODD_VALUES.get(random.nextInt(ODD_VALUES.size())).deepCopy());
            }
        }
    }

    private static void copyKeyFromElsewhere(ObjectNode into, List<JsonNode> containers, SplittableRandom random) {
        if (containers.get(random.nextInt(containers.size())) instanceof ObjectNode donor && !donor.isEmpty()) {
            List<String> keys = new ArrayList<>();
            donor.fieldNames().forEachRemaining(keys::add);
            String key = keys.get(random.nextInt(keys.size()));
            into.set(key, donor.get(key).deepCopy());
        }
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            node.elements().forEachRemaining(child -> collectContainers(child, into));
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoRun.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> yamlBlocks(Path doc) throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }
}

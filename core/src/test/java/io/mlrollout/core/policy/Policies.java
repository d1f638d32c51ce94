package io.mlrollout.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Builds small test policies around the part under test and collects what the parser refuses. */
final class Policies {

    static final String STAGES = """
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 50, bake: 10m}
            """;
    static final String METRICS = """
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%}
            """;

    private Policies() {}

    /** A valid policy with these stages (flow mappings, one per line). */
    static String withStages(String... stages) {
        return "stages:\n" + items(stages) + METRICS;
    }

    /** A valid policy with these metrics (flow mappings, one per line). */
    static String withMetrics(String... metrics) {
        return STAGES + "metrics:\n" + items(metrics);
    }

    /** A valid policy plus these top-level lines. */
    static String with(String extra) {
        return STAGES + METRICS + extra;
    }

    static List<PolicyError> errorsOf(String text) {
        PolicyException refused = catchThrowableOfType(PolicyException.class, () -> PolicyParser.parse(text));
        assertThat(refused).as("the parser should refuse:\n%s", text).isNotNull();
        return refused.errors();
    }

    /** The parser refuses the text with exactly this one error. */
    static void assertRefused(String text, String path, String message) {
        assertThat(errorsOf(text)).containsExactly(new PolicyError(path, message));
    }

    private static String items(String... items) {
        return Arrays.stream(items).map(item -> "  - " + item + "\n").collect(Collectors.joining());
    }
}

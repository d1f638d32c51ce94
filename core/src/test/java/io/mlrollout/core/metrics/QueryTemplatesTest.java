package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.policy.QueryPlaceholders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryTemplatesTest {

    @Test
    void fillsEveryPlaceholderOccurrence() {
        assertThat(QueryTemplates.fill(
                        "a{v=\"${version}\"}[${interval}] / b{v=\"${version}\"}",
                        Map.of("version", "v2", "interval", "90s")))
                .isEqualTo("a{v=\"v2\"}[90s] / b{v=\"v2\"}");
    }

    @Test
    void valuesWithDollarsOrBracesAreInsertedLiterally() {
        assertThat(QueryTemplates.fill("x{v=\"${version}\"}", Map.of("version", "a$1{b}")))
                .isEqualTo("x{v=\"a$1{b}\"}");
    }

    @Test
    void unknownOrUnfilledPlaceholdersAreErrorsNamingThem() {
        assertThatThrownBy(() -> QueryTemplates.fill("x{v=\"${Version}\"}", Map.of("version", "v2")))
                .hasMessageStartingWith("unknown placeholder ${Version}; known: [${version}, ${interval}");
        assertThatThrownBy(() -> QueryTemplates.fill("x[${interval}]", Map.of()))
                .hasMessage("placeholder ${interval} has no value here");
    }

    @Test
    void valuesThatCouldBreakOutOfAStringAreRefused() {
        assertThatThrownBy(() -> QueryTemplates.fill("x{v=\"${version}\"}", Map.of("version", "v2\"} or up{x=\"")))
                .hasMessageContaining("${version} must not contain quotes");
        assertThat(QueryPlaceholders.valueProblem("model-v2.1_rc")).isEmpty();
        for (String unsafe : List.of("v2\"", "v2\\", "v2`", "v2\nx", "v2\u0000")) {
            assertThat(QueryPlaceholders.valueProblem(unsafe)).as(unsafe).isPresent();
        }
    }

    @Test
    void intervalsAreWholeSeconds() {
        assertThat(QueryTemplates.interval(Duration.ofMillis(60_900))).isEqualTo("60s");
        assertThatThrownBy(() -> QueryTemplates.interval(Duration.ofMillis(999)))
                .hasMessageContaining("at least 1s");
    }

    @Test
    void numbersHaveNoNeedlessFractionOrExponent() {
        assertThat(QueryTemplates.number(250.0)).isEqualTo("250");
        assertThat(QueryTemplates.number(3_600_000.0)).isEqualTo("3600000");
        assertThat(QueryTemplates.number(0.25)).isEqualTo("0.25");
        assertThat(QueryTemplates.number(0.999)).isEqualTo("0.999");
    }

    @Test
    void narrowingAddsThePodMatcherBesideEveryVersionMatcherAndNowhereElse() {
        String template = "sum(rate(a{reporter=\"destination\",destination_version=\"${version}\"}[${interval}]))"
                + " / sum(rate(b{destination_version = \"${version}\",x=\"y\"}[${interval}]))";

        String narrowed = QueryTemplates.narrowed(template, "pod", java.util.List.of("scorer-v1-0", "scorer.v1-2"));

        assertThat(narrowed)
                .isEqualTo("sum(rate(a{reporter=\"destination\",destination_version=\"${version}\","
                        + "pod=~\"scorer-v1-0|scorer[.]v1-2\"}[${interval}])) / sum(rate(b{destination_version = "
                        + "\"${version}\",pod=~\"scorer-v1-0|scorer[.]v1-2\",x=\"y\"}[${interval}]))");
    }

    @Test
    void narrowingRefusesWhatCannotBeMatchedLiterallyOrAQueryWithoutAVersionMatcher() {
        String template = "a{v=\"${version}\"}";
        assertThatThrownBy(() -> QueryTemplates.narrowed(template, "pod", java.util.List.of("a|b")))
                .hasMessage("'a|b' is not a Kubernetes name");
        assertThatThrownBy(() -> QueryTemplates.narrowed(template, "pod\"", java.util.List.of("a")))
                .hasMessageContaining("is not a Prometheus label name");
        assertThatThrownBy(() -> QueryTemplates.narrowed(template, "pod", java.util.List.of()))
                .hasMessageContaining("no pod");
        assertThatThrownBy(() -> QueryTemplates.narrowed(
                        "label_replace(a, \"v\", \"${version}\", \"\", \"\")", "pod", java.util.List.of("a")))
                .hasMessageContaining("picks its version in no label=\"${version}\" matcher");
    }

    @Test
    void everyPresetHasAVersionSelectorToFindThePodsBy() {
        for (String name : Presets.names()) {
            Presets.Preset preset = Presets.find(name).orElseThrow();
            for (java.util.Optional<String> query :
                    java.util.List.of(preset.bad(), preset.total(), preset.query(), preset.histogram())) {
                query.ifPresent(q -> assertThat(QueryTemplates.versionSelector(q))
                        .as(name + ": " + q)
                        .hasValueSatisfying(selector -> assertThat(selector)
                                .startsWith("{")
                                .endsWith("\"}")
                                .contains("\"${version}\"")));
            }
        }
        assertThat(
                        QueryTemplates.versionSelector(
                                "sum(x{reporter=\"destination\",destination_service_name=\"${endpoint}\",destination_version=\"${version}\"}[${interval}])"))
                .contains(
                        "{reporter=\"destination\",destination_service_name=\"${endpoint}\",destination_version=\"${version}\"}");
    }
}

package io.mlrollout.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpellingsTest {

    @ParameterizedTest
    @CsvSource({"250ms, 250", "90s, 90000", "10m, 600000", "24h, 86400000", "7d, 604800000", "365d, 31536000000"})
    void durationsReadEveryUnit(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void durationsAreRefusedWithAReason() {
        assertThatThrownBy(() -> Durations.parse("10min"))
                .hasMessage("'10min' is not a duration; write a whole number and a unit (ms, s, m, h or d), e.g. 90s"
                        + " or 10m");
        assertThatThrownBy(() -> Durations.parse("10M")).hasMessageStartingWith("'10M' is not a duration");
        assertThatThrownBy(() -> Durations.parse("0.5ms"))
                .hasMessage("'0.5ms' has a fraction; write a whole number with a smaller unit");
        assertThatThrownBy(() -> Durations.parse("366d")).hasMessage("366d is longer than 365d");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d"))
                .hasMessage("99999999999999999999d is longer than 365d");
    }

    @ParameterizedTest
    @CsvSource({"250, 250ms", "90000, 90s", "5400000, 90m", "86400000, 1d", "1500, 1500ms"})
    void durationsAreWrittenInTheLargestWholeUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"10%, 0.10", "0.5%, 0.005", "0%, 0", "150%, 1.5", "100%, 1"})
    void percentagesBecomeFractions(String text, double fraction) {
        assertThat(Percentages.parse(text)).isEqualTo(fraction);
    }

    @Test
    void percentagesAreRefusedWithAReason() {
        assertThatThrownBy(() -> Percentages.parse("-5%")).hasMessage("-5% is negative");
        assertThatThrownBy(() -> Percentages.parse("5"))
                .hasMessage("'5' is not a percentage; write a number followed by %, e.g. 10% or 0.5%");
    }

    @ParameterizedTest
    @CsvSource({"0.1, 10%", "0.005, 0.5%", "0.2, 20%"})
    void fractionsAreWrittenAsPercentages(double fraction, String text) {
        assertThat(Percentages.format(fraction)).isEqualTo(text);
    }

    @Test
    void placeholdersAreFoundInOrder() {
        assertThat(QueryPlaceholders.namesIn("a{v=\"${version}\"}[${interval}] ${version}"))
                .containsExactly("version", "interval", "version");
        assertThat(QueryPlaceholders.namesIn("sum(rate(x[5m]))")).isEmpty();
    }

    @Test
    void presetsKnowTheirKindAndParameter() {
        assertThat(MetricPreset.named("knative-otel-latency-over")).hasValueSatisfying(p -> {
            assertThat(p.kind()).isEqualTo(MetricSpec.Kind.RATIO);
            assertThat(p.needsThreshold()).isTrue();
            assertThat(p.needsQuantile()).isFalse();
        });
        assertThat(MetricPreset.named("istio-latency"))
                .hasValueSatisfying(p -> assertThat(p.needsQuantile()).isTrue());
        assertThat(MetricPreset.named("prometheus")).isEmpty();
    }
}

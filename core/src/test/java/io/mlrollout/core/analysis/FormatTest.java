package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void evidenceBelowAMillionReadsAsOtherNumbersDo() {
        assertThat(Format.evidence(2403.4)).isEqualTo("2403");
        assertThat(Format.evidence(449.43)).isEqualTo("449.4");
        assertThat(Format.evidence(0.52)).isEqualTo("0.520");
        assertThat(Format.evidence(999_999.4)).isEqualTo("999999");
    }

    @Test
    void largeEvidenceKeepsTwoSignificantDigitsAndAPowerOfTen() {
        assertThat(Format.evidence(1e6)).isEqualTo("1.0e6");
        assertThat(Format.evidence(12_807_394)).isEqualTo("1.3e7");
        assertThat(Format.evidence(15_302_375_271_895_792_000.0)).isEqualTo("1.5e19");
        assertThat(Format.evidence(9.96e6)).isEqualTo("1.0e7");
        assertThat(Format.evidence(2.5e120)).isEqualTo("2.5e120");
    }

    @Test
    void evidenceWithoutAValueSaysSo() {
        assertThat(Format.evidence(Double.NaN)).isEqualTo("n/a");
        assertThat(Format.evidence(Double.POSITIVE_INFINITY)).isEqualTo("∞");
    }
}

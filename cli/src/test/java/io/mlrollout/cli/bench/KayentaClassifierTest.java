package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.cli.bench.KayentaClassifier.Classification;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KayentaClassifierTest {

    private final KayentaClassifier classifier = new KayentaClassifier(1.1);
    private final SplittableRandom noise = new SplittableRandom(1);

    @Test
    void missingDataIsNoDataAndNaNIsRemovedFirst() {
        assertThat(classifier.classify(new double[] {Double.NaN}, new double[] {1, 2}, noise))
                .isEqualTo(Classification.NODATA);
        assertThat(classifier.classify(new double[] {1, 2}, new double[0], noise))
                .isEqualTo(Classification.NODATA);
        assertThat(classifier.classify(new double[] {Double.NaN, 3, 1}, new double[] {1, 3}, noise))
                .isEqualTo(Classification.PASS); // same values once NaN is gone
    }

    @Test
    void identicalSamplesOrOneDistinctValuePass() {
        assertThat(classifier.classify(new double[] {3, 1, 2}, new double[] {1, 2, 3}, noise))
                .isEqualTo(Classification.PASS);
        assertThat(classifier.classify(new double[] {0, 0, 0}, new double[] {0, 0}, noise))
                .isEqualTo(Classification.PASS);
    }

    @Test
    void oneValueEachIsAnErrorBecauseThereIsNoRangeToSearch() {
        assertThat(classifier.classify(new double[] {9}, new double[] {1}, noise))
                .isEqualTo(Classification.ERROR);
    }

    @Test
    void aClearIncreaseIsHighOnlyWhenTheEffectSizeReachesTheAllowedIncrease() {
        double[] baseline = {10, 11, 9, 10.5, 9.5, 10.2, 9.8, 10.1};
        double[] fivePercentUp = {10.5, 11.5, 9.6, 11, 10, 10.7, 10.3, 10.6};
        double[] doubled = {20, 22, 18, 21, 19, 20.4, 19.6, 20.2};
        assertThat(classifier.classify(doubled, baseline, noise)).isEqualTo(Classification.HIGH);
        assertThat(classifier.classify(fivePercentUp, baseline, noise)).isEqualTo(Classification.PASS);
        assertThat(new KayentaClassifier(1.0).classify(doubled, baseline, noise))
                .isEqualTo(Classification.HIGH);
        assertThat(classifier.classify(baseline, doubled, noise))
                .as("only an increase is a regression")
                .isEqualTo(Classification.PASS);
    }

    @Test
    void twoFullySeparatedValuesEachAreAlreadyHigh() {
        // Kayenta's interval falls back to the range of pairwise differences when too few values can reach 98%:
        // its lower end, 2 − 1.1 = 0.9, is above 0.25 × the estimate, so two minutes can fail a canary.
        assertThat(classifier.classify(new double[] {2, 2.2}, new double[] {1, 1.1}, noise))
                .isEqualTo(Classification.HIGH);
    }

    @Test
    void constantButDifferentSamplesAreJitteredAndJudged() {
        assertThat(classifier.classify(new double[] {2, 2, 2, 2, 2, 2}, new double[] {1, 1, 1, 1, 1, 1}, noise))
                .isEqualTo(Classification.HIGH);
    }

    @Test
    void effectSizeIsSkippedWhenAMeanIsZero() {
        assertThat(KayentaClassifier.meanRatio(new double[] {1, 2}, new double[] {0, 0}))
                .isNaN();
        assertThat(classifier.classify(new double[] {0.02, 0.03, 0.01, 0.02, 0.04, 0.02}, new double[6], noise))
                .isEqualTo(Classification.HIGH);
    }
}

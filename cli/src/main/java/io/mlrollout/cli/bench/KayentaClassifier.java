package io.mlrollout.cli.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Kayenta's per-metric classification (NetflixACAJudge with its Mann-Whitney classifier), written here from its
 * published method, for a metric whose increase is a regression ({@code direction: increase}):
 *
 * <ol>
 *   <li>NaN values are removed; a side left empty is no data.
 *   <li>Identical samples, or a single distinct value across both, pass. Two constant but different samples get a
 *       little Gaussian noise (σ = 10⁻⁵ × value) so the test can run.
 *   <li>The two-sided 98% confidence interval for the shift canary − baseline ({@link ShiftInterval}) and the
 *       estimate of the shift that goes with it. When no estimate can be found (one value each), Kayenta's root finder
 *       fails and the metric is an Error, which scoring leaves out.
 *   <li>High (a regression) when the interval's lower end exceeds the tolerance, 0.25 × |estimate|, and the effect size
 *       (the ratio of the means, canary over baseline) reaches {@code allowedIncrease}; the effect-size check is skipped
 *       when either mean is 0. Otherwise pass.
 * </ol>
 *
 * Confidence 0.98 and tolerance 0.25 are the values Kayenta hard-codes.
 */
final class KayentaClassifier {

    static final double CONFIDENCE = 0.98;
    static final double TOLERANCE = 0.25;

    /** A metric's class at one look. */
    enum Classification {
        PASS,
        HIGH,
        NODATA,
        /** The test could not run; Kayenta leaves such a metric out of the score. */
        ERROR
    }

    private final double allowedIncrease;

    /** @param allowedIncrease the effect size (canary mean over baseline mean) a regression must reach, e.g. 1.1 */
    KayentaClassifier(double allowedIncrease) {
        this.allowedIncrease = allowedIncrease;
    }

    Classification classify(double[] canaryValues, double[] baselineValues, SplittableRandom noise) {
        Samples samples = Samples.of(canaryValues, baselineValues, noise);
        if (samples.decided() != null) {
            return samples.decided();
        }
        double effect = meanRatio(samples.canary(), samples.baseline());
        if (!Double.isNaN(effect) && effect < allowedIncrease) {
            return Classification.PASS;
        }
        return shiftClass(samples.canary(), samples.baseline());
    }

    /**
     * A metric's class before the effect-size check, with the effect size that check reads: what {@link #classify}
     * answers for every {@code allowedIncrease} of at least {@code lowestAllowedIncrease} at once (the calibration that
     * tunes the effect sizes reads each window once). Below that effect size every such classifier passes, so the
     * shift's interval is not computed. Consumes {@code noise} as {@link #classify} does.
     */
    static Reading read(
            double[] canaryValues, double[] baselineValues, SplittableRandom noise, double lowestAllowedIncrease) {
        Samples samples = Samples.of(canaryValues, baselineValues, noise);
        if (samples.decided() != null) {
            return new Reading(samples.decided(), Double.NaN);
        }
        double effect = meanRatio(samples.canary(), samples.baseline());
        if (!Double.isNaN(effect) && effect < lowestAllowedIncrease) {
            return new Reading(Classification.PASS, effect);
        }
        return new Reading(shiftClass(samples.canary(), samples.baseline()), effect);
    }

    /**
     * @param beforeEffectSize the class from the samples and the shift's interval alone
     * @param effect canary mean over baseline mean, NaN where the check is skipped
     */
    record Reading(Classification beforeEffectSize, double effect) {

        /** What a classifier with {@code allowedIncrease} answers. */
        Classification at(double allowedIncrease) {
            boolean shiftDecides = beforeEffectSize == Classification.HIGH || beforeEffectSize == Classification.ERROR;
            return shiftDecides && !Double.isNaN(effect) && effect < allowedIncrease
                    ? Classification.PASS
                    : beforeEffectSize;
        }
    }

    /** The samples without NaN, sorted, and jittered where both are constant; or the class they already decide. */
    private record Samples(double[] canary, double[] baseline, Classification decided) {

        static Samples of(double[] canaryValues, double[] baselineValues, SplittableRandom noise) {
            double[] canary = withoutNaN(canaryValues);
            double[] baseline = withoutNaN(baselineValues);
            if (canary.length == 0 || baseline.length == 0) {
                return new Samples(canary, baseline, Classification.NODATA);
            }
            Arrays.sort(canary);
            Arrays.sort(baseline);
            if (Arrays.equals(canary, baseline)
                    || (isConstant(canary) && isConstant(baseline) && canary[0] == baseline[0])) {
                return new Samples(canary, baseline, Classification.PASS);
            }
            if (isConstant(canary) && isConstant(baseline)) {
                canary = jittered(canary, noise);
                baseline = jittered(baseline, noise);
            }
            return new Samples(canary, baseline, null);
        }
    }

    /** The Mann-Whitney step: High when the shift's 98% interval lies above the tolerance. */
    private static Classification shiftClass(double[] canary, double[] baseline) {
        if (ShiftInterval.lowerAtMostZero(canary, baseline, CONFIDENCE)) {
            return Classification.PASS; // what the search below would conclude, found without it
        }
        double lower = ShiftInterval.lower(canary, baseline, CONFIDENCE);
        if (Double.isNaN(lower)) {
            return Classification.ERROR;
        }
        if (lower <= 0) {
            return Classification.PASS; // the bound 0.25·|estimate| is never negative: no need to find the estimate
        }
        double estimate = ShiftInterval.estimate(canary, baseline);
        if (Double.isNaN(estimate)) {
            return Classification.ERROR;
        }
        return lower > TOLERANCE * Math.abs(estimate) ? Classification.HIGH : Classification.PASS;
    }

    /** Mean of the canary over mean of the baseline; NaN when either is 0, as in Kayenta. */
    static double meanRatio(double[] canary, double[] baseline) {
        double c = Arrays.stream(canary).average().orElse(Double.NaN);
        double b = Arrays.stream(baseline).average().orElse(Double.NaN);
        return c == 0 || b == 0 ? Double.NaN : c / b;
    }

    private static double[] withoutNaN(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    }

    private static boolean isConstant(double[] sorted) {
        return sorted[0] == sorted[sorted.length - 1];
    }

    private static double[] jittered(double[] values, SplittableRandom noise) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] + noise.nextGaussian() * 1e-5 * values[i];
        }
        return out;
    }
}

package io.mlrollout.core.analysis.stats;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * Simulated prediction-score histograms of one minute, as a shadow stage (or a canary stage) sees them: requests come
 * from two kinds of input whose mix changes from minute to minute (a share {@code mixMean} of kind B on average, drawn
 * afresh each minute from a beta distribution with coefficient of variation {@code mixCv}; 0 keeps it fixed), and the
 * minute's traffic varies too (gamma, same CV). Each request's score bucket is drawn from its kind's bucket shares for
 * the version that serves it; both versions' scores for a request come from the same uniform draw, so a mirrored
 * request gets correlated scores. In a shadow stage the baseline serves every request and the candidate a copy of each
 * with chance {@code share}; in a canary stage each request goes to one of them.
 *
 * @param baselineA the baseline's bucket shares for inputs of kind A (they sum to 1)
 * @param baselineB the baseline's bucket shares for inputs of kind B
 * @param candidateA the candidate's bucket shares for inputs of kind A
 * @param candidateB the candidate's bucket shares for inputs of kind B
 */
public record ScoreTraffic(
        double[] baselineA,
        double[] baselineB,
        double[] candidateA,
        double[] candidateB,
        double requestsPerMinute,
        double share,
        boolean shadow,
        double mixMean,
        double mixCv) {

    /** One minute's counts per bucket. */
    public record Minute(double[] candidate, double[] baseline) {}

    /** The shares of Beta(a, b) scores in ten buckets of width 0.1, and an eleventh (above 1) that stays empty. */
    public static double[] betaBuckets(double a, double b) {
        BetaDistribution beta = BetaDistribution.of(a, b);
        double[] shares = new double[11];
        for (int i = 0; i < 10; i++) {
            shares[i] = beta.cumulativeProbability((i + 1) / 10.0) - beta.cumulativeProbability(i / 10.0);
        }
        return shares;
    }

    /**
     * The shares with {@code moved} of the mass at or below bucket {@code bucket} moved above it, each side in
     * proportion to its buckets: the Kolmogorov-Smirnov distance to the original is exactly {@code moved}, at that
     * bucket's bound.
     */
    public static double[] shiftedAbove(double[] shares, int bucket, double moved) {
        double below = 0;
        for (int i = 0; i <= bucket; i++) {
            below += shares[i];
        }
        double above = 1 - below;
        if (moved > below || moved > above) {
            throw new IllegalArgumentException("cannot move " + moved + " across bucket " + bucket);
        }
        double[] shifted = shares.clone();
        for (int i = 0; i < shares.length; i++) {
            shifted[i] *= i <= bucket ? 1 - moved / below : 1 + moved / above;
        }
        return shifted;
    }

    /** The shares tilted towards higher buckets, c_i ∝ b_i·e^(λi), with λ found so that PSI(c, b) is {@code psi}. */
    public static double[] tiltedToPsi(double[] shares, double psi) {
        double low = 0;
        double high = 5;
        for (int step = 0; step < 100; step++) {
            double mid = (low + high) / 2;
            if (psiOf(tilted(shares, mid), shares) < psi) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return tilted(shares, (low + high) / 2);
    }

    /** PSI between two vectors of shares, over the buckets where either has a share (no smoothing). */
    public static double psiOf(double[] c, double[] b) {
        double psi = 0;
        for (int i = 0; i < c.length; i++) {
            if (c[i] > 0 && b[i] > 0) {
                psi += (c[i] - b[i]) * Math.log(c[i] / b[i]);
            }
        }
        return psi;
    }

    /** The mixture (1 − m)·a + m·b. */
    public static double[] mixed(double[] a, double[] b, double m) {
        double[] mix = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            mix[i] = (1 - m) * a[i] + m * b[i];
        }
        return mix;
    }

    private static double[] tilted(double[] shares, double lambda) {
        double[] t = new double[shares.length];
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            t[i] = shares[i] * Math.exp(lambda * i);
            sum += t[i];
        }
        for (int i = 0; i < t.length; i++) {
            t[i] /= sum;
        }
        return t;
    }

    /** One minute of traffic. */
    public Minute minute(UniformRandomProvider rng) {
        double mix = mixMean;
        double volume = requestsPerMinute;
        if (mixCv > 0) {
            // Beta with the given mean and CV: a + b = (1 − mean) / (mean·CV²) − 1.
            double sum = (1 - mixMean) / (mixMean * mixCv * mixCv) - 1;
            mix = BetaDistribution.of(mixMean * sum, (1 - mixMean) * sum)
                    .createSampler(rng)
                    .sample();
            double shape = 1 / (mixCv * mixCv);
            volume *= GammaDistribution.of(shape, 1 / shape).createSampler(rng).sample();
        }
        int requests = volume <= 0
                ? 0
                : PoissonDistribution.of(volume).createSampler(rng).sample();
        double[] candidate = new double[baselineA.length];
        double[] baseline = new double[baselineA.length];
        for (int r = 0; r < requests; r++) {
            boolean kindB = rng.nextDouble() < mix;
            double u = rng.nextDouble();
            boolean toCandidate = rng.nextDouble() < share;
            if (toCandidate) {
                candidate[bucket(kindB ? candidateB : candidateA, u)]++;
            }
            if (shadow || !toCandidate) {
                baseline[bucket(kindB ? baselineB : baselineA, u)]++;
            }
        }
        return new Minute(candidate, baseline);
    }

    private static int bucket(double[] shares, double u) {
        double cumulative = 0;
        for (int i = 0; i < shares.length; i++) {
            cumulative += shares[i];
            if (u < cumulative) {
                return i;
            }
        }
        int last = shares.length - 1;
        while (last > 0 && shares[last] == 0) {
            last--;
        }
        return last;
    }
}

package io.mlrollout.simulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each preset's defining statistics against its parameters. Tolerances are five standard errors of the statistic at the
 * sample size drawn, so a correct generator fails one of them about once in a million runs, and the seeds are fixed.
 */
class TrafficModelTest {

    /** Minutes drawn for one statistic. */
    private static final int N = 200_000;

    private static final double Z = 5;

    @Test
    void presetsAreListedInOrderAndFoundByName() {
        assertThat(TrafficModel.all())
                .extracting(TrafficModel::name)
                .containsExactly(
                        "poisson",
                        "overdispersed",
                        "bursty",
                        "shared-shift",
                        "autocorrelated",
                        "low-traffic",
                        "production");
        for (TrafficModel model : TrafficModel.all()) {
            assertThat(TrafficModel.named(model.name())).isSameAs(model);
        }
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> TrafficModel.named("gaussian"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gaussian'")
                .hasMessageContaining(
                        "poisson, overdispersed, bursty, shared-shift, autocorrelated, low-traffic," + " production");
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> new TrafficModel("x", "", -0.1, 0, 1, 1, 0, 0, 0, 0))
                .hasMessageContaining("errorCv");
        assertThatThrownBy(() -> new TrafficModel("x", "", 0, 1, 1, 1, 0, 0, 0, 0))
                .hasMessageContaining("burstChance");
        assertThatThrownBy(() -> new TrafficModel("x", "", 0, 0, 0, 1, 0, 0, 0, 0))
                .hasMessageContaining("burstFactor");
        assertThatThrownBy(() -> new TrafficModel("x", "", 0, 0, 1, 1, 0, 1, 0, 0))
                .hasMessageContaining("latencyAutocorrelation");
        assertThatThrownBy(() -> new TrafficModel("x", "", 0, 0, 1, 1, 0, 0, 0, Double.NaN))
                .hasMessageContaining("emptyMinuteChance");
        assertThatThrownBy(() -> TrafficModel.named("poisson").generate(1, -1)).hasMessageContaining("minutes");
    }

    @Test
    void theSameSeedGivesTheSameMinutesAndAnotherSeedOthers() {
        for (TrafficModel model : TrafficModel.all()) {
            Minutes once = model.generate(42, 500);
            assertThat(model.generate(42, 500)).as(model.name()).isEqualTo(once);
            if (!model.name().equals("poisson")) {
                assertThat(model.generate(43, 500)).as(model.name()).isNotEqualTo(once);
            }
        }
    }

    @Test
    void poissonLeavesEveryFactorAtOne() {
        Minutes minutes = TrafficModel.named("poisson").generate(7, 1000);
        for (double[] factors : columns(minutes)) {
            assertThat(factors).containsOnly(1.0);
        }
    }

    @Test
    void overdispersedDrawsEachVersionsErrorsWithTheirCvIndependentlyMinuteByMinute() {
        TrafficModel model = TrafficModel.named("overdispersed");
        Minutes minutes = model.generate(11, N);
        assertLogNormal(minutes.canaryErrorFactor(), model.errorCv(), 0);
        assertLogNormal(minutes.baselineErrorFactor(), model.errorCv(), 0);
        assertLogNormal(minutes.canaryLatencyFactor(), model.latencyCv(), 0);
        assertLogNormal(minutes.baselineLatencyFactor(), model.latencyCv(), 0);
        assertThat(lag1(logs(minutes.canaryErrorFactor()))).isCloseTo(0, within(Z / Math.sqrt(N)));
        assertThat(correlation(logs(minutes.canaryErrorFactor()), logs(minutes.baselineErrorFactor())))
                .as("the versions vary independently")
                .isCloseTo(0, within(Z / Math.sqrt(N)));
        assertThat(minutes.trafficFactor()).containsOnly(1.0);
    }

    @Test
    void burstyMultipliesErrorsByTheFactorInTheGivenShareOfMinutesOnEachVersion() {
        TrafficModel model = TrafficModel.named("bursty");
        Minutes minutes = model.generate(13, N);
        double p = model.burstChance();
        double tolerance = Z * Math.sqrt(p * (1 - p) / N);
        for (double[] errors : List.of(minutes.canaryErrorFactor(), minutes.baselineErrorFactor())) {
            assertThat(errors).containsOnly(1.0, model.burstFactor());
            assertThat(share(errors, model.burstFactor())).isCloseTo(p, within(tolerance));
        }
        double both = 0;
        for (int t = 0; t < N; t++) {
            both += minutes.canaryError(t) > 1 && minutes.baselineError(t) > 1 ? 1 : 0;
        }
        assertThat(both / N)
                .as("bursts on the two versions are independent")
                .isCloseTo(p * p, within(Z * Math.sqrt(p * p / N)));
        assertThat(minutes.canaryLatencyFactor()).containsOnly(1.0);
    }

    @Test
    void sharedShiftStepsBothVersionsAtAUniformMinuteOnADailyCycle() {
        TrafficModel model = TrafficModel.named("shared-shift");
        int length = 70;
        int runs = 20_000;
        double stepSum = 0;
        for (int seed = 0; seed < runs; seed++) {
            Minutes minutes = model.generate(seed, length);
            int step = -1;
            for (int t = 0; t < length; t++) {
                assertThat(minutes.canaryError(t)).isEqualTo(minutes.baselineError(t));
                assertThat(minutes.canaryLatency(t)).isEqualTo(minutes.baselineLatency(t));
                // the error factor is the daily cycle (the traffic factor) times the step
                double stepFactor = minutes.canaryError(t) / minutes.traffic(t);
                if (step < 0 && stepFactor > 1.5) {
                    step = t;
                }
                boolean after = step >= 0;
                assertThat(stepFactor).isCloseTo(after ? model.sharedStepFactor() : 1, within(1e-9));
                assertThat(minutes.canaryLatency(t)).isCloseTo(after ? 1.3 : 1, within(1e-9));
            }
            assertThat(step).as("the step falls within the run").isBetween(0, length - 1);
            stepSum += step;
        }
        // uniform on 0..69: mean 34.5, standard deviation sqrt((70² − 1) / 12)
        double sd = Math.sqrt((length * length - 1) / 12.0);
        assertThat(stepSum / runs).isCloseTo((length - 1) / 2.0, within(Z * sd / Math.sqrt(runs)));

        double[] day = model.generate(5, TrafficModel.DAY_MINUTES).trafficFactor();
        double max = Arrays.stream(day).max().orElseThrow();
        double min = Arrays.stream(day).min().orElseThrow();
        assertThat(max).isCloseTo(1 + model.dailyAmplitude(), within(1e-4));
        assertThat(min).isCloseTo(1 - model.dailyAmplitude(), within(1e-4));
        assertThat(Arrays.stream(day).average().orElseThrow()).isCloseTo(1, within(1e-9));
    }

    /**
     * The benchmark draws the hour before a rollout and the rollout as two segments of one run: each segment steps once
     * at a uniform minute of its own, the rollout starts at the level a run of its own starts at, and the daily cycle
     * and the drifts run on across the border instead of jumping there.
     */
    @Test
    void segmentsStepOnceEachAndRunOnAcrossTheirBorder() {
        TrafficModel model = TrafficModel.named("shared-shift");
        int hour = 60;
        int rollout = 70;
        int runs = 5_000;
        double rolloutStepSum = 0;
        for (int seed = 0; seed < runs; seed++) {
            Minutes minutes = model.generateInSegments(seed, hour, rollout);
            assertThat(minutes.length()).isEqualTo(hour + rollout);
            int hourStep = firstMinuteAtOrAbove(minutes, 0, hour, 1);
            int rolloutStep = firstMinuteAtOrAbove(minutes, hour, hour + rollout, model.sharedStepFactor());
            assertThat(hourStep).as("the hour steps within it").isBetween(0, hour - 1);
            assertThat(rolloutStep).as("the rollout steps within it").isBetween(hour, hour + rollout - 1);
            for (int t = 0; t < hour + rollout; t++) {
                double level =
                        t < hourStep ? 1 / model.sharedStepFactor() : t < rolloutStep ? 1 : model.sharedStepFactor();
                assertThat(minutes.baselineError(t) / minutes.traffic(t)).isCloseTo(level, within(1e-9));
            }
            // the daily cycle moves by at most 2π·A / 1440 a minute, at the border too
            assertThat(Math.abs(minutes.traffic(hour) - minutes.traffic(hour - 1)))
                    .isLessThanOrEqualTo(2 * Math.PI * model.dailyAmplitude() / TrafficModel.DAY_MINUTES);
            rolloutStepSum += rolloutStep - hour;
        }
        double sd = Math.sqrt((rollout * rollout - 1) / 12.0);
        assertThat(rolloutStepSum / runs).isCloseTo((rollout - 1) / 2.0, within(Z * sd / Math.sqrt(runs)));

        // an AR(1) drift runs on: the border's neighbours are as correlated as any other two
        TrafficModel autocorrelated = TrafficModel.named("autocorrelated");
        double[] before = new double[runs];
        double[] after = new double[runs];
        for (int seed = 0; seed < runs; seed++) {
            Minutes minutes = autocorrelated.generateInSegments(seed, hour, rollout);
            before[seed] = Math.log(minutes.baselineLatency(hour - 1));
            after[seed] = Math.log(minutes.baselineLatency(hour));
        }
        double rho = autocorrelated.latencyAutocorrelation();
        assertThat(correlation(before, after)).isCloseTo(rho, within(Z * (1 - rho * rho) / Math.sqrt(runs)));
    }

    @Test
    void oneSegmentIsARunOfItsOwn() {
        for (TrafficModel model : TrafficModel.all()) {
            assertThat(model.generateInSegments(9, 70)).as(model.name()).isEqualTo(model.generate(9, 70));
        }
        assertThatThrownBy(() -> TrafficModel.named("poisson").generateInSegments(1, 60, -1))
                .hasMessageContaining("minutes");
    }

    /** The first minute in [from, to) whose shared error level (error over the daily cycle) is at least {@code level}. */
    private static int firstMinuteAtOrAbove(Minutes minutes, int from, int to, double level) {
        for (int t = from; t < to; t++) {
            if (minutes.baselineError(t) / minutes.traffic(t) >= level - 1e-9) {
                return t;
            }
        }
        return -1;
    }

    @Test
    void autocorrelatedDriftsWithTheGivenLagOneCorrelationAndCv() {
        TrafficModel model = TrafficModel.named("autocorrelated");
        double rho = model.latencyAutocorrelation();
        Minutes minutes = model.generate(17, N);
        // Bartlett: the lag-1 sample autocorrelation of an AR(1) has variance (1 − ρ²) / n
        double tolerance = Z * Math.sqrt((1 - rho * rho) / N);
        for (double[] factors : List.of(
                minutes.canaryLatencyFactor(),
                minutes.baselineLatencyFactor(),
                minutes.canaryErrorFactor(),
                minutes.baselineErrorFactor())) {
            assertThat(lag1(logs(factors))).isCloseTo(rho, within(tolerance));
        }
        assertLogNormal(minutes.canaryLatencyFactor(), model.latencyCv(), rho);
        assertLogNormal(minutes.baselineErrorFactor(), model.errorCv(), rho);
    }

    @Test
    void lowTrafficEmptiesTheGivenShareOfMinutesAndKeepsTheMean() {
        TrafficModel model = TrafficModel.named("low-traffic");
        double p = model.emptyMinuteChance();
        double[] traffic = model.generate(19, N).trafficFactor();
        assertThat(traffic).containsOnly(0.0, 1 / (1 - p));
        assertThat(share(traffic, 0)).isCloseTo(p, within(Z * Math.sqrt(p * (1 - p) / N)));
        // the mean is (1 − share of empties) / (1 − p): its standard error scales the empties' by 1 / (1 − p)
        assertThat(mean(traffic)).isCloseTo(1, within(Z * Math.sqrt(p * (1 - p) / N) / (1 - p)));
    }

    @Test
    void productionCombinesTheOtherModelsAtTheirWorst() {
        TrafficModel production = TrafficModel.named("production");
        assertThat(production.errorCv())
                .isEqualTo(TrafficModel.named("overdispersed").errorCv());
        assertThat(production.burstChance())
                .isEqualTo(TrafficModel.named("bursty").burstChance());
        assertThat(production.burstFactor())
                .isEqualTo(TrafficModel.named("bursty").burstFactor());
        assertThat(production.sharedStepFactor())
                .isEqualTo(TrafficModel.named("shared-shift").sharedStepFactor());
        assertThat(production.dailyAmplitude())
                .isEqualTo(TrafficModel.named("shared-shift").dailyAmplitude());
        TrafficModel autocorrelated = TrafficModel.named("autocorrelated");
        assertThat(production.latencyAutocorrelation()).isEqualTo(autocorrelated.latencyAutocorrelation());
        assertThat(production.latencyCv()).isEqualTo(autocorrelated.latencyCv());

        // the shared step and cycle cancel in the canary's latency over the baseline's: what is left is the
        // difference of two independent AR(1) logs, itself an AR(1) with the same ρ and twice the variance
        Minutes minutes = production.generate(23, N);
        double[] logRatio = new double[N];
        for (int t = 0; t < N; t++) {
            logRatio[t] = Math.log(minutes.canaryLatency(t) / minutes.baselineLatency(t));
        }
        double rho = production.latencyAutocorrelation();
        assertThat(lag1(logRatio)).isCloseTo(rho, within(Z * Math.sqrt((1 - rho * rho) / N)));
        double variance = 2 * Math.log1p(production.latencyCv() * production.latencyCv());
        // a normal sample variance has variance 2σ⁴/n, inflated by (1 + ρ²)/(1 − ρ²) when the series is an AR(1)
        double inflation = (1 + rho * rho) / (1 - rho * rho);
        assertThat(variance(logRatio)).isCloseTo(variance, within(Z * variance * Math.sqrt(2.0 / N * inflation)));
    }

    @Test
    void productionIsTheProductOfItsComponentsMinuteByMinute() {
        TrafficModel production = TrafficModel.named("production");
        TrafficModel perVersion = new TrafficModel("per-version", "", 0.5, 1.0 / 60, 5, 1, 0, 0.6, 0.1, 0);
        TrafficModel shared = new TrafficModel("shared", "", 0, 0, 1, 2, 0.3, 0.6, 0, 0);
        for (long seed = 0; seed < 20; seed++) {
            Minutes all = production.generate(seed, 70);
            Minutes own = perVersion.generate(seed, 70);
            Minutes common = shared.generate(seed, 70);
            for (int t = 0; t < 70; t++) {
                assertThat(all.canaryError(t)).isCloseTo(own.canaryError(t) * common.canaryError(t), within(1e-12));
                assertThat(all.baselineError(t))
                        .isCloseTo(own.baselineError(t) * common.baselineError(t), within(1e-12));
                assertThat(all.canaryLatency(t))
                        .isCloseTo(own.canaryLatency(t) * common.canaryLatency(t), within(1e-12));
                assertThat(all.traffic(t)).isEqualTo(common.traffic(t));
            }
        }
    }

    /**
     * The sample's mean is 1 and its mean square 1 + cv² (log-normal with mean 1 and CV cv), to five standard errors;
     * an AR(1) with correlation ρ inflates them by at most (1 + ρ) / (1 − ρ).
     */
    private static void assertLogNormal(double[] factors, double cv, double rho) {
        double sigma2 = Math.log1p(cv * cv);
        double inflation = (1 + rho) / (1 - rho);
        int n = factors.length;
        assertThat(mean(factors)).isCloseTo(1, within(Z * Math.sqrt(cv * cv * inflation / n)));
        double[] squares = Arrays.stream(factors).map(x -> x * x).toArray();
        // E[X²] = e^{σ²}, E[X⁴] = e^{6σ²} for a log-normal with mean 1
        double varianceOfSquare = Math.exp(6 * sigma2) - Math.exp(2 * sigma2);
        assertThat(mean(squares)).isCloseTo(1 + cv * cv, within(Z * Math.sqrt(varianceOfSquare * inflation / n)));
    }

    private static List<double[]> columns(Minutes minutes) {
        return List.of(
                minutes.canaryErrorFactor(),
                minutes.baselineErrorFactor(),
                minutes.canaryLatencyFactor(),
                minutes.baselineLatencyFactor(),
                minutes.trafficFactor());
    }

    private static double[] logs(double[] factors) {
        return Arrays.stream(factors).map(Math::log).toArray();
    }

    private static double share(double[] values, double value) {
        return (double) Arrays.stream(values).filter(v -> v == value).count() / values.length;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double variance(double[] values) {
        double mean = mean(values);
        return Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1);
    }

    private static double lag1(double[] values) {
        return correlation(
                Arrays.copyOfRange(values, 0, values.length - 1), Arrays.copyOfRange(values, 1, values.length));
    }

    private static double correlation(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}

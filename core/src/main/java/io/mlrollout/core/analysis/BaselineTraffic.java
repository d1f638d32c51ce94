package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.stats.HistoryStep;
import io.mlrollout.core.analysis.stats.MixturePrior;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one ratio metric of the baseline showed over a recent window, interval by interval: the traffic and bad events
 * an interval brings, and how much the bad rate wanders from interval to interval beyond counting noise. The planner
 * simulates a stage from it.
 *
 * @param requestsPerInterval the mean requests per analysis interval to the whole endpoint
 * @param badPerInterval the mean bad events per interval
 * @param wanderCv the coefficient of variation of the bad rate from interval to interval beyond Poisson noise (0: the
 *     intervals are as steady as counting allows); NaN when fewer than two intervals had traffic
 * @param intervals how many intervals with traffic the numbers come from
 * @param longRunCv how much the bad rate wanders over many intervals, as a CV per interval: the wander around its
 *     recent rate grown by how long it lasts, as the margin test learns it ({@link
 *     RateRatioTest#learnBaselineHistory}). It equals the wander of rates that only jitter and exceeds it for rates
 *     that drift; NaN when too few intervals had traffic
 * @param step where the bad rate stepped once and was calm on either side, as the margin test takes it ({@link
 *     RateRatioTest#learnBaselineHistory}): a change that moves both versions alike, so the wander is measured on
 *     either side of it; null where it did not
 */
public record BaselineTraffic(
        double requestsPerInterval,
        double badPerInterval,
        double wanderCv,
        int intervals,
        double longRunCv,
        HistoryStep step) {

    /** A baseline whose rate did not step. */
    public BaselineTraffic(
            double requestsPerInterval, double badPerInterval, double wanderCv, int intervals, double longRunCv) {
        this(requestsPerInterval, badPerInterval, wanderCv, intervals, longRunCv, null);
    }

    /** A baseline whose long-run wander was not measured (NaN). */
    public BaselineTraffic(double requestsPerInterval, double badPerInterval, double wanderCv, int intervals) {
        this(requestsPerInterval, badPerInterval, wanderCv, intervals, Double.NaN);
    }

    /**
     * The baseline's readings of {@code type} (counts, histograms) interval by interval over {@code span} up to {@code
     * end}, oldest first, read as the judge reads them during a rollout; {@link #of} measures counts.
     */
    public static <R extends Reading> List<R> readEach(
            Class<R> type,
            MetricsSource metrics,
            MetricSpec metric,
            String endpoint,
            String baseline,
            Instant end,
            Duration span,
            Duration interval)
            throws MetricsException {
        List<R> readings = new ArrayList<>();
        for (Instant start = end.minus(span); start.isBefore(end); start = start.plus(interval)) {
            Reading reading = metrics.read(metric, endpoint, baseline, new Window(start, start.plus(interval)));
            if (type.isInstance(reading)) {
                readings.add(type.cast(reading));
            }
        }
        return readings;
    }

    /**
     * Measures the baseline from its per-interval counts. The wander is the method-of-moments estimate of the CV of a
     * multiplicative factor on each interval's expected bad count: var(bad) = μ + c²μ², μ the interval's traffic
     * times the window's bad fraction (on its side of the step, where the rate stepped). It counts everything else that
     * moves the baseline's rate over the window (load, time of day), some of which the judge cancels because it moves
     * both versions alike: an upper bound, not a guess low.
     * The long-run wander is learned as the margin test learns it, with the policy's envelope {@code maxDispersion}
     * (which sets where a burst is clipped).
     */
    public static BaselineTraffic of(List<Reading.Counts> perInterval, double maxDispersion) {
        List<Reading.Counts> withTraffic =
                perInterval.stream().filter(c -> c.total() > 0).toList();
        double requests =
                withTraffic.stream().mapToDouble(Reading.Counts::total).sum();
        double bad = withTraffic.stream().mapToDouble(Reading.Counts::bad).sum();
        int n = withTraffic.size();
        if (n == 0) {
            return new BaselineTraffic(0, 0, Double.NaN, 0);
        }
        // the margin test's θ0 and α play no part in what it learns of the baseline
        RateRatioTest test = new RateRatioTest(1, 0.5, MixturePrior.calibrated(), maxDispersion);
        double[] badCounts =
                withTraffic.stream().mapToDouble(Reading.Counts::bad).toArray();
        double[] totals =
                withTraffic.stream().mapToDouble(Reading.Counts::total).toArray();
        RateRatioTest.LearnedHistory learned = test.learnBaselineHistory(test.empty(), badCounts, totals);
        HistoryStep step = learned.step();
        int split = step == null ? n : step.index();
        double rateBefore = step == null ? bad / requests : step.rateBefore();
        double rateAfter = step == null ? rateBefore : step.rateAfter();
        double excess = 0;
        double squaredMeans = 0;
        for (int i = 0; i < n; i++) {
            double mean = totals[i] * (i < split ? rateBefore : rateAfter);
            excess += (badCounts[i] - mean) * (badCounts[i] - mean) - mean;
            squaredMeans += mean * mean;
        }
        double cv = n < 2 ? Double.NaN : squaredMeans == 0 ? 0 : Math.sqrt(Math.max(0, excess / squaredMeans));
        double longRunCv = test.baselineLongRunDispersion(learned.evidence());
        return new BaselineTraffic(requests / n, bad / n, cv, n, longRunCv, step);
    }

    /** The baseline's bad fraction, NaN without traffic. */
    public double badFraction() {
        return requestsPerInterval == 0 ? Double.NaN : badPerInterval / requestsPerInterval;
    }
}

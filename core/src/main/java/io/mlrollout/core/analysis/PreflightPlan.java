package io.mlrollout.core.analysis;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan a rollout states in its first lines, before any traffic moves: the baseline's traffic and noise read over a
 * recent window, and per stage how long it needs to catch the policy's rule-out level with 95% power and to rule it
 * out for a healthy candidate ({@link Planner}). Under {@code analysis.plan: refuse} a plan with warnings refuses the
 * rollout. A plan that cannot be read (Prometheus down) is a warning, never a failure: the rollout's own reads decide.
 */
public final class PreflightPlan {

    /** How far back a rollout reads the baseline: an hour, or fewer intervals when they are short. */
    public static final Duration WINDOW = Duration.ofHours(1);

    /** The most intervals a rollout reads for its plan, so a 5 s interval does not make hundreds of queries. */
    public static final int MAX_INTERVALS = 120;

    /**
     * @param lines what to log, in order, without the log's prefix
     * @param refused whether the rollout must not start (analysis.plan: refuse, and the plan has warnings)
     * @param history the baseline's counts and histograms the plan read, for the judge to learn from
     */
    public record Result(List<String> lines, boolean refused, BaselineHistory history) {
        public Result {
            lines = List.copyOf(lines);
        }

        Result(List<String> lines, boolean refused) {
            this(lines, refused, BaselineHistory.none());
        }
    }

    private PreflightPlan() {}

    /** The window a rollout's plan reads: {@link #WINDOW}, at most {@link #MAX_INTERVALS} intervals. */
    public static Duration window(Duration interval) {
        long intervals = Math.max(2, Math.min(MAX_INTERVALS, WINDOW.toMillis() / interval.toMillis()));
        return interval.multipliedBy(intervals);
    }

    /**
     * Reads the baseline and plans. Blocks on the metrics source: call it where I/O may wait, never on a Pipeline's
     * thread.
     */
    public static Result plan(Policy policy, MetricsSource metrics, String endpoint, String baseline, Instant now) {
        Duration interval = policy.analysis().interval();
        Duration span = window(interval);
        Map<String, BaselineTraffic> traffic = new LinkedHashMap<>();
        Map<String, List<Reading.Counts>> history = new LinkedHashMap<>();
        for (MetricSpec metric : policy.metrics()) {
            if (metric.kind() != MetricSpec.Kind.RATIO || metric.maxIncrease().isEmpty() || metric.observe()) {
                continue;
            }
            try {
                List<Reading.Counts> counts = BaselineTraffic.readEach(
                        Reading.Counts.class, metrics, metric, endpoint, baseline, now, span, interval);
                List<Reading.Counts> withTraffic =
                        counts.stream().filter(c -> c.total() > 0).toList();
                if (!withTraffic.isEmpty()) {
                    history.put(metric.name(), withTraffic); // what the judge can learn from
                }
                traffic.put(
                        metric.name(),
                        BaselineTraffic.of(counts, policy.analysis().maxDispersion()));
            } catch (MetricsException | RuntimeException e) {
                return unreadable(baseline, metric, e);
            }
        }
        Map<String, List<Reading.Histogram>> histograms = new LinkedHashMap<>();
        List<String> latencyLines = new ArrayList<>();
        for (MetricSpec metric : policy.metrics()) {
            if (!Judge.judgesOnCounts(metric) || metric.observe()) {
                continue;
            }
            try {
                List<Reading.Histogram> intervals = LatencyCountJudge.alike(BaselineTraffic.readEach(
                        Reading.Histogram.class, metrics, metric, endpoint, baseline, now, span, interval));
                if (!intervals.isEmpty()) {
                    histograms.put(metric.name(), intervals); // what the judge can learn from
                }
                latencyLines.add("plan: the baseline " + baseline + " over the last " + Planner.minutes(span) + ", "
                        + metric.name() + ": "
                        + LatencyCountJudge.planned(
                                metric, intervals, policy.analysis().maxDispersion()));
            } catch (MetricsException | RuntimeException e) {
                return unreadable(baseline, metric, e);
            }
        }
        BaselineHistory learned = new BaselineHistory(history, histograms);
        if (traffic.isEmpty()) {
            List<String> lines = new ArrayList<>(latencyLines);
            lines.add("plan: nothing to plan (no deciding ratio metric with maxIncrease)");
            return new Result(lines, false, learned);
        }
        Planner.Plan plan = new Planner(policy).plan(traffic);
        List<String> lines = new ArrayList<>();
        double perMinute = Duration.ofMinutes(1).toMillis() / (double) interval.toMillis();
        plan.baseline()
                .forEach((metric, t) -> lines.add("plan: the baseline " + baseline + " over the last "
                        + Planner.minutes(span) + ", " + metric + ": "
                        + (t.intervals() == 0
                                ? "no traffic"
                                : Format.number(t.requestsPerInterval() * perMinute) + " requests/min, "
                                        + Format.percent(t.badFraction()) + " bad, wander CV "
                                        + (Double.isNaN(t.wanderCv()) ? "unknown" : Format.percent(t.wanderCv()))
                                        + Planner.step(t)
                                        + Planner.longRun(t)
                                        + "; the judge learns from these minutes how the baseline drifts")));
        lines.addAll(latencyLines);
        for (Planner.Row row : plan.rows()) {
            if (row.notPlanned().isPresent()) {
                continue;
            }
            String level = Format.number(row.regression()) + "×";
            lines.add("plan: stage " + row.stageNumber() + " (" + row.stage().label() + ") " + row.metric() + ": "
                    + Format.number(row.canaryRequestsPerMinute()) + " canary requests/min; catches " + level
                    + " with 95% power in " + time(row.toCatch().orElse(null), row.simulatedUpTo())
                    + ", shows a healthy candidate below " + level + " in "
                    + time(row.toRuleOut().orElse(null), row.simulatedUpTo()) + "; maxBake "
                    + Planner.minutes(row.stage().maxBake())
                    + (row.catchesInTime() && row.rulesOutInTime() ? ": fits" : ": does not fit"));
        }
        plan.notes().forEach(note -> lines.add("plan: note: " + note));
        List<String> warnings = plan.warnings();
        warnings.forEach(warning -> lines.add("plan: WARNING: " + warning));
        boolean refused = policy.analysis().plan() == AnalysisSettings.PlanMode.REFUSE && !warnings.isEmpty();
        if (refused) {
            lines.add("plan: refused (analysis.plan: refuse): " + warnings.size()
                    + " warning(s) above; no traffic moved. Change the stages or the metrics, or set analysis.plan:"
                    + " warn");
        }
        return new Result(lines, refused, learned);
    }

    private static Result unreadable(String baseline, MetricSpec metric, Exception unreadable) {
        return new Result(
                List.of("plan: WARNING: the baseline " + baseline + " could not be read for " + metric.name() + " ("
                        + unreadable.getMessage() + "), so there is no plan; the rollout goes on and its own looks"
                        + " decide"),
                false);
    }

    private static String time(Duration time, Duration upTo) {
        return time == null ? "more than " + Planner.minutes(upTo) : "~" + Planner.minutes(time);
    }
}

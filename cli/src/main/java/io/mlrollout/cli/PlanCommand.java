package io.mlrollout.cli;

import io.mlrollout.core.analysis.BaselineTraffic;
import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.analysis.Planner;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlrollout plan POLICY --endpoint FILE [--window 1h] [--fact NAME=VALUE]}: before a rollout, how long each stage needs to catch
 * the regression the policy must not pass and to rule it out for a healthy candidate, from what the baseline showed
 * in Prometheus over the window. Reads the router (for the baseline's version) and Prometheus; moves nothing.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "plan",
        description = {
            "Plans a rollout before it starts: from the baseline's traffic and noise in Prometheus over --window, how"
                    + " long each stage needs to catch the rule-out level with 95%% power and to rule it out for a"
                    + " healthy candidate, and whether that fits its maxBake. Reads the router and Prometheus; moves"
                    + " nothing.",
            "Exit 0 planned (warnings included), 1 refused (warnings under analysis.plan: refuse), 2 bad input, 3 the"
                    + " router or Prometheus could not be read."
        })
final class PlanCommand extends CommandBase {

    /** More intervals than this in the window would be a query storm for one plan. */
    static final int MAX_INTERVALS = 1440;

    @Parameters(paramLabel = "POLICY", description = "the rollout policy (YAML or JSON)")
    Path policy;

    @Option(
            names = "--endpoint",
            required = true,
            paramLabel = "FILE",
            description = "the endpoint file: router, Prometheus")
    Path endpoint;

    @Option(
            names = "--window",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "how far back to read the baseline (default ${DEFAULT-VALUE})")
    String window;

    @Mixin
    FactOptions facts = new FactOptions();

    PlanCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException, TrafficException, IOException {
        Policy written = Inputs.policy(policy);
        EndpointFile file = Inputs.endpoint(endpoint, err());
        Policy parsed = asTheFactsMakeIt(written, file);
        Duration interval = parsed.analysis().interval();
        Duration span = windowLength(interval);
        TrafficRouter router = Connectors.router(file, env, endpoint.toString());
        MetricsSource metrics = Connectors.metrics(file, env, endpoint.toString());
        String baseline = router.current().baseline();
        Instant end;
        try (RolloutTime time = env.time().get()) {
            end = time.clock().instant();
        }
        Map<String, BaselineTraffic> traffic = new LinkedHashMap<>();
        for (MetricSpec metric : parsed.metrics()) {
            if (metric.kind() == MetricSpec.Kind.RATIO && metric.maxIncrease().isPresent() && !metric.observe()) {
                try {
                    traffic.put(
                            metric.name(),
                            BaselineTraffic.of(
                                    BaselineTraffic.readEach(
                                            Reading.Counts.class,
                                            metrics,
                                            metric,
                                            file.name(),
                                            baseline,
                                            end,
                                            span,
                                            interval),
                                    parsed.analysis().maxDispersion()));
                } catch (MetricsException unreadable) {
                    err().println("mlrollout plan: Prometheus could not be read for " + metric.name() + ": "
                            + unreadable.getMessage());
                    return ExitCodes.INFRASTRUCTURE;
                }
            }
        }
        Planner.Plan plan = new Planner(parsed).plan(traffic);
        print(plan, file.name(), baseline, span, interval);
        if (parsed.analysis().plan() == AnalysisSettings.PlanMode.REFUSE
                && !plan.warnings().isEmpty()) {
            err().println("mlrollout plan: refused (analysis.plan: refuse): "
                    + plan.warnings().size()
                    + " warning(s) above; change the stages or the metrics, or set analysis.plan: warn");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    /**
     * The policy the rollout would run: as the stated facts' tier makes it, the tier said first; without facts the
     * policy's own stages, with a note when a tier could change them.
     */
    private Policy asTheFactsMakeIt(Policy written, EndpointFile file) throws InputException, IOException {
        if (!facts.given()) {
            Inputs.combine(written, policy, file);
            if (!written.tiers().tiers().isEmpty()) {
                out().println("the policy's own stages and bounds; its tiers may choose others: give the facts"
                        + " (--fact, --facts) to plan what a rollout with them would run");
            }
            return written;
        }
        Optional<TierDecision> tier = Inputs.tier(written, policy, file, facts.stated());
        Policy chosen =
                tier.map(decision -> TierChooser.apply(written, decision)).orElse(written);
        Inputs.combine(chosen, policy, file, tier);
        tier.ifPresent(decision -> out().println(decision.summary()));
        return chosen;
    }

    private Duration windowLength(Duration interval) throws InputException {
        Duration span;
        try {
            span = Durations.parse(window);
        } catch (IllegalArgumentException refused) {
            throw new InputException("", "--window", refused.getMessage());
        }
        long intervals = span.toMillis() / interval.toMillis();
        if (intervals < 2 || intervals > MAX_INTERVALS) {
            throw new InputException(
                    "",
                    "--window",
                    Durations.format(span) + " holds " + intervals + " analysis interval" + (intervals == 1 ? "" : "s")
                            + " of " + Durations.format(interval) + "; a plan reads 2 to " + MAX_INTERVALS);
        }
        return interval.multipliedBy(intervals);
    }

    private void print(Planner.Plan plan, String endpointName, String baseline, Duration span, Duration interval) {
        double perMinute = Duration.ofMinutes(1).toMillis() / (double) interval.toMillis();
        out().println("plan for " + endpointName + ": the baseline " + baseline + " over the last "
                + Durations.format(span) + " (" + span.dividedBy(interval) + " intervals of "
                + Durations.format(interval) + "), " + Planner.RUNS + " simulated runs per cell, 95th percentile");
        plan.baseline()
                .forEach((metric, t) -> out().println("  " + metric + ": "
                        + (t.intervals() == 0
                                ? "no traffic in the window"
                                : Format.number(t.requestsPerInterval() * perMinute) + " requests/min, "
                                        + Format.percent(t.badFraction()) + " bad ("
                                        + Format.number(t.badPerInterval() * perMinute) + "/min), wander CV "
                                        + (Double.isNaN(t.wanderCv()) ? "unknown" : Format.percent(t.wanderCv()))
                                        + Planner.step(t)
                                        + Planner.longRun(t))));
        // a shadow stage's label and a long metric name are wider than the usual; the columns widen to fit them
        int weightWidth = 7;
        int metricWidth = 16;
        for (Planner.Row row : plan.rows()) {
            weightWidth = Math.max(weightWidth, row.stage().label().length());
            metricWidth = Math.max(metricWidth, row.metric().length());
        }
        String format = "%-6s %-" + weightWidth + "s %-" + metricWidth + "s %-15s %-17s %-19s %-8s %s%n";
        out().printf(
                        format,
                        "stage",
                        "weight",
                        "metric",
                        "canary req/min",
                        "catch (95%)",
                        "rule out (95%)",
                        "maxBake",
                        "fits");
        for (Planner.Row row : plan.rows()) {
            String level = Format.number(row.regression()) + "× ";
            if (row.notPlanned().isPresent()) {
                out().printf(
                                format,
                                row.stageNumber(),
                                row.stage().label(),
                                row.metric(),
                                "-",
                                "-",
                                "-",
                                Planner.minutes(row.stage().maxBake()),
                                row.notPlanned().get());
                continue;
            }
            out().printf(
                            format,
                            row.stageNumber(),
                            row.stage().label(),
                            row.metric(),
                            Format.number(row.canaryRequestsPerMinute()),
                            level + time(row.toCatch(), row.simulatedUpTo()),
                            level + time(row.toRuleOut(), row.simulatedUpTo()),
                            Planner.minutes(row.stage().maxBake()),
                            row.catchesInTime() && row.rulesOutInTime() ? "yes" : "no");
        }
        plan.notes().forEach(note -> out().println("NOTE: " + note));
        plan.warnings().forEach(warning -> out().println("WARNING: " + warning));
    }

    private static String time(Optional<Duration> time, Duration upTo) {
        return time.map(t -> "~" + Planner.minutes(t)).orElse("> " + Planner.minutes(upTo));
    }
}

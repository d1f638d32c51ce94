package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.BOOLEAN;
import static io.mlrollout.core.policy.ValueType.DURATION;
import static io.mlrollout.core.policy.ValueType.NUMBER;
import static io.mlrollout.core.policy.ValueType.PERCENT;
import static io.mlrollout.core.policy.ValueType.TEXT;
import static io.mlrollout.core.policy.ValueType.WHOLE_NUMBER;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.policy.AnalysisSettings.Limits;
import io.mlrollout.core.policy.AnalysisSettings.OnInconclusive;
import io.mlrollout.core.policy.AnalysisSettings.PlanMode;
import io.mlrollout.core.policy.AnalysisSettings.ScoreThresholds;
import io.mlrollout.core.policy.RollbackSettings.OnAbort;
import io.mlrollout.core.policy.SignOffPolicy.OnExpiry;
import io.mlrollout.core.signoff.PersonEntry;
import io.mlrollout.core.tier.TierRule;
import io.mlrollout.core.tier.TierSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a rollout policy from YAML or JSON and validates it strictly: unknown or duplicate keys, wrong types, missing
 * fields, values out of range and rules that contradict each other are all refused, each with its field path, and all
 * errors of a document are reported together. The format is documented in {@code docs/policy.md}.
 *
 * <p>What depends on the endpoint an administrator configured is checked when the policy is combined with it, in
 * {@code io.mlrollout.core.signoff.SignOffRules#effective}: the minimum quorum, self-approval, whether the quorum can be
 * met by the policy's and the endpoint's approvers together, and whether anyone can give a sign-off the policy asks
 * for.
 */
public final class PolicyParser {

    static final int MAX_STAGES = 20;

    private static final List<String> POLICY_KEYS = List.of(
            "endpoint",
            "stages",
            "analysis",
            "metrics",
            "signOff",
            "promote",
            "rollback",
            "dryRun",
            "schedule",
            "notifications",
            "evidence",
            "facts",
            "tiers");
    private static final List<String> STAGE_KEYS = List.of("weight", "bake", "maxBake", "signOff", ShadowShare.KEY);
    private static final List<String> ANALYSIS_KEYS = List.of(
            "interval",
            "falseRollbackRate",
            "maxAutocorrelation",
            "maxDispersion",
            "ruleOut",
            "missedRegressionRate",
            "minRequests",
            "onInconclusive",
            "limits",
            "score",
            "plan");
    private static final List<String> LIMITS_KEYS = List.of("noData", "extensions", "shiftAttempts", "shiftTimeout");
    private static final List<String> SCORE_KEYS = List.of("pass", "marginal");
    private static final List<String> SIGN_OFF_KEYS =
            List.of("approvers", "quorum", "allowSelfApproval", "expires", "onExpiry", "roles", "escalateAfter");
    private static final List<String> PROMOTE_KEYS = List.of("bake", "holdback", "signOff");
    private static final List<String> ROLLBACK_KEYS = List.of("automatic", "onAbort");

    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final ValueType<String> ENDPOINT = TEXT.where(
            name -> ENDPOINT_NAME.matcher(name).matches(),
            name -> "'" + name
                    + "' is not an endpoint name: use lower-case letters, digits and -, not starting with -");
    /** A canary stage stays below 100%: going to 100% is promotion, which watches against a held-back baseline. */
    private static final ValueType<Integer> WEIGHT = atLeast(1)
            .where(weight -> weight <= 100, weight -> weight + " is over 100")
            .where(
                    weight -> weight < 100,
                    weight -> "100 is promotion, not a canary stage: end the stages below 100 and promote"
                            + " (promote.holdback keeps a share on the baseline while the promoted candidate is"
                            + " watched)");
    /** Up to 200%: beyond, per-interval rates wander so much that a test allowing for it can hardly decide. */
    private static final ValueType<Double> MAX_DISPERSION =
            PERCENT.where(cv -> cv <= 2, cv -> Percentages.format(cv) + " is over 200%");

    private static final ValueType<Double> RULE_OUT =
            PERCENT.where(increase -> increase > 0, increase -> "must be more than 0%");
    private static final ValueType<Double> MISSED_REGRESSION_RATE = PERCENT.where(
                    rate -> rate > 0, rate -> "must be more than 0%")
            .where(rate -> rate <= 0.20, rate -> Percentages.format(rate) + " is over 20%");
    private static final ValueType<Integer> HOLDBACK =
            WHOLE_NUMBER.where(h -> h >= 0 && h <= 50, h -> h + " is not between 0 and 50 (percent of traffic)");
    private static final ValueType<Double> FALSE_ROLLBACK_RATE = PERCENT.where(
                    rate -> rate > 0, rate -> "must be more than 0%")
            .where(rate -> rate <= 0.20, rate -> Percentages.format(rate) + " is over 20%");
    /** Up to 0.9: nearer 1 the looks carry almost no independent information and the test cannot decide. */
    private static final ValueType<Double> MAX_AUTOCORRELATION =
            NUMBER.where(rho -> rho >= 0 && rho <= 0.9, rho -> ValueType.format(rho) + " is not between 0 and 0.9");

    private static final ValueType<Double> SCORE = NUMBER.where(
            score -> score >= 0 && score <= 100, score -> ValueType.format(score) + " is not between 0 and 100");
    private static final ValueType<Integer> QUORUM =
            WHOLE_NUMBER.where(quorum -> quorum >= 1, quorum -> "must be at least 1, got " + quorum);

    private final List<PolicyError> errors = new ArrayList<>();
    /** The analysis interval bakes are checked against; empty when the policy's own interval was refused. */
    private Optional<Duration> interval =
            Optional.of(AnalysisSettings.defaults().interval());

    private PolicyParser() {}

    /**
     * Reads and validates a policy.
     *
     * @param text the policy as YAML or JSON (text starting with <code>{</code> is read as JSON first)
     * @throws PolicyException listing every error found, each with its field path
     */
    public static Policy parse(String text) throws PolicyException {
        PolicyParser parser = new PolicyParser();
        Optional<Policy> policy =
                DocumentReader.read(text, "policy", parser.errors).flatMap(parser::policy);
        if (!parser.errors.isEmpty()) {
            throw new PolicyException(parser.errors);
        }
        return policy.orElseThrow();
    }

    private Optional<Policy> policy(JsonNode root) {
        if (root.isNull()) {
            errors.add(new PolicyError("", "the policy is empty; it needs at least stages and metrics"));
            return Optional.empty();
        }
        if (!root.isObject()) {
            errors.add(new PolicyError(
                    "",
                    "the policy must be a mapping of keys (" + String.join(", ", POLICY_KEYS) + "), got "
                            + ValueType.describe(root)));
            return Optional.empty();
        }
        MappingReader top = MappingReader.of(root, "", POLICY_KEYS, errors).orElseThrow();
        Optional<String> endpoint = top.optional("endpoint", ENDPOINT);
        AnalysisSettings analysis = analysis(top);
        List<Stage> stages = stages(top);
        MetricsSection metricsSection = new MetricsSection(errors);
        List<MetricSpec> metrics = metricsSection.read(top);
        checkRuleOut(analysis, metrics);
        Optional<SignOffPolicy> signOff = top.mapping("signOff", SIGN_OFF_KEYS).map(this::signOff);
        PromoteSettings promote = promote(top);
        RollbackSettings rollback =
                top.mapping("rollback", ROLLBACK_KEYS).map(this::rollback).orElse(RollbackSettings.defaults());
        boolean dryRun = top.orDefault("dryRun", BOOLEAN, false);
        ScheduleSettings schedule = ScheduleSection.policySchedule(top, errors);
        List<NotificationSubscription> notifications = NotificationsSection.policy(top, errors);
        EvidenceSettings evidence = new EvidenceSection(errors).read(top);
        TierSettings tiers =
                TiersSection.policyTiers(top, errors, tier -> stages(tier, "a tier"), metricsSection::tierBounds);
        checkRuleOut(analysis, tiers);
        if (!errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Policy(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                promote,
                rollback,
                dryRun,
                Optional.empty(),
                schedule,
                notifications,
                evidence,
                tiers));
    }

    private AnalysisSettings analysis(MappingReader top) {
        AnalysisSettings defaults = AnalysisSettings.defaults();
        if (!top.has("analysis")) {
            return defaults;
        }
        Optional<MappingReader> section = top.mapping("analysis", ANALYSIS_KEYS);
        if (section.isEmpty()) {
            interval = Optional.empty();
            return defaults;
        }
        MappingReader analysis = section.get();
        if (analysis.has("interval")) {
            interval = analysis.optional("interval", DURATION);
            // ${interval} goes into PromQL in whole seconds: 1500ms would be read as 1s, 500ms as nothing at all.
            interval.filter(d -> d.toMillis() % 1000 != 0)
                    .ifPresent(d -> analysis.error(
                            "interval",
                            Durations.format(d) + " is not a whole number of seconds; queries read ${interval} in"
                                    + " seconds, write e.g. "
                                    + Durations.format(
                                            Duration.ofSeconds(Math.max(1, Math.round(d.toMillis() / 1000.0))))));
        }
        Limits limits =
                analysis.mapping("limits", LIMITS_KEYS).map(this::limits).orElse(defaults.limits());
        ScoreThresholds score =
                analysis.mapping("score", SCORE_KEYS).map(this::score).orElse(defaults.score());
        return new AnalysisSettings(
                interval.orElse(defaults.interval()),
                analysis.orDefault("falseRollbackRate", FALSE_ROLLBACK_RATE, defaults.falseRollbackRate()),
                analysis.orDefault("maxAutocorrelation", MAX_AUTOCORRELATION, defaults.maxAutocorrelation()),
                analysis.orDefault("maxDispersion", MAX_DISPERSION, defaults.maxDispersion()),
                analysis.orDefault("ruleOut", RULE_OUT, defaults.ruleOut()),
                analysis.orDefault("missedRegressionRate", MISSED_REGRESSION_RATE, defaults.missedRegressionRate()),
                analysis.orDefault("minRequests", atLeast(1), (int) defaults.minRequests()),
                analysis.orDefault("onInconclusive", ValueType.choice(OnInconclusive.class), defaults.onInconclusive()),
                limits,
                score,
                analysis.orDefault("plan", ValueType.choice(PlanMode.class), defaults.plan()));
    }

    private Limits limits(MappingReader limits) {
        Limits defaults = Limits.defaults();
        return new Limits(
                limits.orDefault("noData", atLeast(1), defaults.noData()),
                limits.orDefault("extensions", atLeast(0), defaults.extensions()),
                limits.orDefault("shiftAttempts", atLeast(1), defaults.shiftAttempts()),
                limits.orDefault("shiftTimeout", DURATION, defaults.shiftTimeout()));
    }

    private ScoreThresholds score(MappingReader score) {
        ScoreThresholds defaults = ScoreThresholds.defaults();
        double pass = score.orDefault("pass", SCORE, defaults.pass());
        boolean marginalGiven = score.has("marginal");
        Optional<Double> marginal =
                marginalGiven ? score.optional("marginal", SCORE) : Optional.of(defaults.marginal());
        marginal.filter(m -> m > pass).ifPresent(m -> {
            if (marginalGiven) {
                score.error(
                        "marginal",
                        ValueType.format(m) + " is above pass (" + ValueType.format(pass)
                                + "); marginal must not exceed pass");
            } else {
                score.error(
                        "pass",
                        ValueType.format(pass) + " is below the default marginal (" + ValueType.format(m)
                                + "); set marginal too");
            }
        });
        return new ScoreThresholds(pass, marginal.orElse(defaults.marginal()));
    }

    private List<Stage> stages(MappingReader top) {
        if (!top.has("stages")) {
            top.error("stages", "is required: a list of 1 to " + MAX_STAGES + " stages such as {weight: 5, bake: 10m}");
            return List.of();
        }
        return stages(top, "a policy");
    }

    /**
     * The stages listed under {@code owner}'s {@code stages} key, which is there: the policy's, or a tier's, which are
     * read and checked alike (against the policy's analysis interval), with their own field paths.
     *
     * @param whose for an empty list's error, e.g. "a tier"
     */
    private List<Stage> stages(MappingReader owner, String whose) {
        Optional<List<JsonNode>> list = owner.list("stages");
        List<JsonNode> items = list.orElse(List.of());
        if (list.isPresent() && items.isEmpty()) {
            owner.error("stages", "is empty; " + whose + " needs 1 to " + MAX_STAGES + " stages");
        }
        if (items.size() > MAX_STAGES) {
            owner.error("stages", "has " + items.size() + " stages; at most " + MAX_STAGES + " are allowed");
        }
        List<Stage> stages = new ArrayList<>();
        int previousWeight = 0;
        int previousShadow = 0;
        for (int i = 0; i < items.size(); i++) {
            Optional<MappingReader> entry =
                    MappingReader.of(items.get(i), FieldPath.index(owner.pathOf("stages"), i), STAGE_KEYS, errors);
            if (entry.isEmpty()) {
                continue;
            }
            MappingReader stage = entry.get();
            boolean isShadow = stage.has(ShadowShare.KEY);
            Optional<Integer> shadow =
                    isShadow ? ShadowShare.read(stage, previousWeight > 0, previousShadow) : Optional.empty();
            previousShadow = shadow.orElse(previousShadow);
            Optional<Integer> weight = isShadow ? Optional.empty() : stage.required("weight", WEIGHT);
            if (weight.isPresent()) {
                if (weight.get() <= previousWeight) {
                    stage.error(
                            "weight",
                            weight.get() + " is not above the previous stage's " + previousWeight
                                    + "; weights must increase");
                }
                previousWeight = weight.get();
            }
            Optional<Duration> bake = stage.required("bake", DURATION);
            bake.ifPresent(b -> checkBake(stage, "bake", b, false));
            Optional<Duration> maxBake = stage.optional("maxBake", DURATION);
            if (maxBake.isPresent() && bake.isPresent() && maxBake.get().compareTo(bake.get()) < 0) {
                stage.error(
                        "maxBake",
                        Durations.format(maxBake.get()) + " is shorter than the stage's bake ("
                                + Durations.format(bake.get()) + ")");
            }
            boolean signOff = stage.orDefault("signOff", BOOLEAN, false);
            if (shadow.isPresent() && bake.isPresent()) {
                Duration longest = maxBake.orElse(bake.get().multipliedBy(Stage.DEFAULT_MAX_BAKE_FACTOR));
                stages.add(Stage.shadowStage(shadow.get(), bake.get(), longest, signOff));
            } else if (weight.isPresent() && bake.isPresent()) {
                stages.add(maxBake.map(m -> new Stage(weight.get(), bake.get(), m, signOff))
                        .orElseGet(() -> new Stage(weight.get(), bake.get(), signOff)));
            }
        }
        return stages;
    }

    private SignOffPolicy signOff(MappingReader signOff) {
        SignOffPolicy defaults = SignOffPolicy.defaults();
        List<String> approvers = new ArrayList<>();
        List<JsonNode> items = signOff.list("approvers").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String path = FieldPath.index(signOff.pathOf("approvers"), i);
            Optional<String> approver = MappingReader.read(items.get(i), path, TEXT, errors);
            Optional<String> spaced = approver.flatMap(PersonEntry::problem);
            if (spaced.isPresent()) {
                errors.add(new PolicyError(path, spaced.get()));
            } else if (approver.isPresent() && approvers.contains(approver.get())) {
                errors.add(new PolicyError(path, "'" + approver.get() + "' is listed twice"));
            } else {
                approver.ifPresent(approvers::add);
            }
        }
        // Whether the quorum can be met depends on the endpoint's approvers too: SignOffRules.effective checks it.
        Optional<Integer> quorum = signOff.optional("quorum", QUORUM);
        Duration expires = signOff.orDefault("expires", DURATION, defaults.expires());
        return new SignOffPolicy(
                approvers,
                quorum.orElse(defaults.quorum()),
                signOff.orDefault("allowSelfApproval", BOOLEAN, defaults.allowSelfApproval()),
                expires,
                signOff.orDefault("onExpiry", ValueType.choice(OnExpiry.class), defaults.onExpiry()),
                SignOffRolesReader.read(signOff, errors),
                escalateAfter(signOff, expires));
    }

    /** An escalation is only worth sending while the gate is still open. */
    private static Optional<Duration> escalateAfter(MappingReader signOff, Duration expires) {
        Optional<Duration> after = signOff.optional("escalateAfter", DURATION);
        if (after.isPresent()
                && (after.get().compareTo(expires) >= 0 || after.get().isZero())) {
            signOff.error(
                    "escalateAfter",
                    Durations.format(after.get()) + " is not between 0 and signOff.expires ("
                            + Durations.format(expires) + "); an escalation must come while the gate is open");
            return Optional.empty();
        }
        return after;
    }

    private PromoteSettings promote(MappingReader top) {
        PromoteSettings defaults = PromoteSettings.defaults();
        Optional<MappingReader> section = top.mapping("promote", PROMOTE_KEYS);
        Optional<Duration> bake = section.flatMap(promote -> promote.optional("bake", DURATION));
        boolean bakeDefaulted = section.map(promote -> !promote.has("bake")).orElse(!top.has("promote"));
        if (bake.isPresent()) {
            checkBake(top, "promote.bake", bake.get(), false);
        } else if (bakeDefaulted) {
            checkBake(top, "promote.bake", defaults.bake(), true);
        }
        boolean signOff = section.map(promote -> promote.orDefault("signOff", BOOLEAN, defaults.signOff()))
                .orElse(defaults.signOff());
        int holdback = section.map(promote -> promote.orDefault("holdback", HOLDBACK, defaults.holdback()))
                .orElse(defaults.holdback());
        return new PromoteSettings(bake.orElse(defaults.bake()), holdback, signOff);
    }

    private RollbackSettings rollback(MappingReader rollback) {
        RollbackSettings defaults = RollbackSettings.defaults();
        return new RollbackSettings(
                rollback.orDefault("automatic", BOOLEAN, defaults.automatic()),
                rollback.orDefault("onAbort", ValueType.choice(OnAbort.class), defaults.onAbort()));
    }

    /** A stage's pass evidence rules out a regression beyond every ratio metric's margin, or it would mean nothing. */
    private void checkRuleOut(AnalysisSettings analysis, List<MetricSpec> metrics) {
        for (int i = 0; i < metrics.size(); i++) {
            MetricSpec metric = metrics.get(i);
            if (metric.kind() == MetricSpec.Kind.RATIO
                    && metric.maxIncrease().isPresent()
                    && metric.maxIncrease().getAsDouble() >= analysis.ruleOut()) {
                errors.add(new PolicyError(
                        "analysis.ruleOut",
                        Percentages.format(analysis.ruleOut()) + " is not above metrics[" + i + "].maxIncrease ("
                                + Percentages.format(metric.maxIncrease().getAsDouble())
                                + "); a passing stage must rule out more than the metric allows"));
            }
        }
    }

    /** A tier's bounds for a ratio metric are held to the policy's ruleOut like the metric's own. */
    private void checkRuleOut(AnalysisSettings analysis, TierSettings tiers) {
        for (TierRule tier : tiers.tiers()) {
            tier.metrics().forEach((name, bounds) -> {
                if (bounds.kind() == MetricSpec.Kind.RATIO
                        && bounds.maxIncrease().isPresent()
                        && bounds.maxIncrease().getAsDouble() >= analysis.ruleOut()) {
                    errors.add(new PolicyError(
                            tier.path() + ".metrics." + name + ".maxIncrease",
                            Percentages.format(bounds.maxIncrease().getAsDouble()) + " is not below analysis.ruleOut ("
                                    + Percentages.format(analysis.ruleOut())
                                    + "); a passing stage must rule out more than the metric allows"));
                }
            });
        }
    }

    /** A bake must hold at least one look, or the stage would pass unjudged. */
    private void checkBake(MappingReader section, String key, Duration bake, boolean defaulted) {
        interval.filter(i -> bake.compareTo(i) < 0)
                .ifPresent(i -> section.error(
                        key,
                        (defaulted ? "the default " : "") + Durations.format(bake)
                                + " is shorter than analysis.interval (" + Durations.format(i) + ")"
                                + (defaulted ? "; set it" : "")));
    }

    private static ValueType<Integer> atLeast(int least) {
        return WHOLE_NUMBER.where(n -> n >= least, n -> n + " is below " + least);
    }
}

package io.mlrollout.core.rollout;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.analysis.Judge;
import io.mlrollout.core.analysis.LookContext;
import io.mlrollout.core.analysis.LookResult;
import io.mlrollout.core.analysis.StageVerdict;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.RollbackSettings;
import io.mlrollout.core.policy.SignOffPolicy;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.rollout.RolloutState.BakeClock;
import io.mlrollout.core.rollout.RolloutState.GatePurpose;
import io.mlrollout.core.rollout.RolloutState.HeldMove;
import io.mlrollout.core.rollout.RolloutState.ShiftProgress;
import io.mlrollout.core.rollout.RolloutState.Subject;
import io.mlrollout.core.rollout.RolloutState.WindowHold;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.schedule.DeploymentSchedule;
import io.mlrollout.core.schedule.DeploymentSchedule.OutsideWindow;
import io.mlrollout.core.schedule.WindowStatus;
import io.mlrollout.core.signoff.ApproverMatcher;
import io.mlrollout.core.signoff.Settlement;
import io.mlrollout.core.signoff.SignOffGate;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.signoff.SignResult;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rollout as a pure state machine. {@link #next} says what to do now; {@link #on} takes what happened and returns
 * the next state with the events to record. No I/O, no clock, no threads: drivers (Jenkins, the CLI, the benchmark)
 * carry out the actions and feed back the results, so hours of rollout can be replayed in milliseconds.
 */
public final class RolloutEngine {

    /** How often a shift that the router has accepted but not finished is read again. */
    static final Duration READINESS_POLL = Duration.ofSeconds(5);

    /** The first pause after a failed shift; doubled per attempt, up to {@link #MAX_SHIFT_RETRY}. */
    static final Duration FIRST_SHIFT_RETRY = Duration.ofSeconds(5);

    static final Duration MAX_SHIFT_RETRY = Duration.ofMinutes(1);

    private final Policy policy;
    private final Optional<SignOffRules> signOffRules;
    private final Judge judge;
    private final ApproverMatcher approvers;
    private final DeploymentSchedule schedule;

    /** As below, with user ids and group names compared case-insensitively. */
    public RolloutEngine(Policy policy, Optional<SignOffRules> signOffRules) {
        this(policy, signOffRules, ApproverMatcher.CASE_INSENSITIVE);
    }

    /**
     * @param policy the parsed policy
     * @param signOffRules the effective sign-off rules from {@link SignOffRules#effective}, which refuses a policy that
     *     asks for sign-offs nobody could give; empty when nobody is named to sign
     * @param approvers how signers' user ids and groups are compared with the approvers, as the security realm does
     */
    public RolloutEngine(Policy policy, Optional<SignOffRules> signOffRules, ApproverMatcher approvers) {
        this(policy, signOffRules, approvers, policy.schedule().with(DeploymentCalendar.ALWAYS_OPEN));
    }

    /**
     * As above, with the deployment calendars that hold shifts to a higher stage and promotions.
     *
     * @param schedule the endpoint's calendar with the policy's, from {@link
     *     io.mlrollout.core.policy.ScheduleSettings#with}
     */
    public RolloutEngine(
            Policy policy,
            Optional<SignOffRules> signOffRules,
            ApproverMatcher approvers,
            DeploymentSchedule schedule) {
        this.policy = policy;
        this.signOffRules = signOffRules;
        this.judge = new Judge(policy);
        this.approvers = approvers;
        this.schedule = schedule;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Begins a rollout whose judge first learns from the baseline's history (the pre-flight plan's reads, or {@link
     * BaselineHistory#none()}). Nothing moves until the router has been read.
     */
    public Step start(
            String rolloutId,
            String endpoint,
            String candidate,
            String startedBy,
            Instant now,
            BaselineHistory history) {
        Subject subject = new Subject(rolloutId, endpoint, candidate, null, startedBy, now);
        RolloutState state = new RolloutState(
                subject,
                Phase.PENDING,
                now,
                -1,
                0,
                null,
                null,
                judge.begin(history),
                null,
                null,
                List.of(),
                false,
                false,
                null,
                null,
                null,
                null);
        List<RolloutEvent.PlannedStage> plan = policy.stages().stream()
                .map(s -> new RolloutEvent.PlannedStage(s.weight(), s.bake(), s.signOff(), s.shadow()))
                .toList();
        List<String> metrics = policy.metrics().stream().map(m -> m.name()).toList();
        List<RolloutEvent> events = new ArrayList<>();
        events.add(new RolloutEvent.Started(
                now,
                rolloutId,
                endpoint,
                candidate,
                startedBy,
                plan,
                metrics,
                policy.analysis().falseRollbackRate(),
                policy.dryRun(),
                policy.template().orElse(null)));
        if (history.intervals() > 0) {
            events.add(learned(now, history));
        }
        return Step.of(state, events);
    }

    /** What the driver must do now. Asking twice gives the same answer, so a restarted driver simply asks again. */
    public Action next(RolloutState s, Instant now) {
        return switch (s.phase()) {
            case PENDING -> s.subject().baseline() == null ? new Action.Inspect() : dryRunRead(s);
            case SHIFTING, PROMOTING ->
                retryPending(s, now)
                        ? new Action.Wait(s.shift().retryAt())
                        : new Action.Shift(s.subject().candidate(), s.shift().targetWeight(), targetMirror(s));
            case ROLLING_BACK ->
                retryPending(s, now)
                        ? new Action.Wait(s.shift().retryAt())
                        : new Action.RollBack(s.subject().candidate());
            case BAKING, WATCHING, AWAITING_SIGNOFF -> lookOrWait(s, now);
            // Before the first stage nothing is on the candidate, so there is nothing to look at while waiting.
            case WAITING_FOR_WINDOW -> s.bake() == null ? new Action.Wait(windowDueAt(s, now)) : lookOrWait(s, now);
            case CANARY_PASSED, PROMOTED, ROLLED_BACK, ROLLBACK_FAILED, HALTED, DRY_RUN_COMPLETE -> new Action.Rest();
        };
    }

    /** The history the judge learned from, as the evidence keeps it. */
    private static RolloutEvent.BaselineLearned learned(Instant now, BaselineHistory history) {
        Map<String, List<RolloutEvent.IntervalCounts>> intervals = new LinkedHashMap<>();
        history.perMetric()
                .forEach((metric, counts) -> intervals.put(
                        metric,
                        counts.stream()
                                .map(c -> new RolloutEvent.IntervalCounts(c.bad(), c.total()))
                                .toList()));
        Map<String, RolloutEvent.IntervalBuckets> histograms = new LinkedHashMap<>();
        history.histograms().forEach((metric, readings) -> histograms.put(metric, buckets(readings)));
        return new RolloutEvent.BaselineLearned(now, intervals, histograms);
    }

    private static RolloutEvent.IntervalBuckets buckets(List<Reading.Histogram> readings) {
        double[] bounds = readings.get(0).upperBounds();
        List<Double> finite =
                Arrays.stream(bounds).filter(Double::isFinite).boxed().toList();
        List<List<Double>> counts = readings.stream()
                .map(h -> Arrays.stream(h.counts()).boxed().toList())
                .toList();
        return new RolloutEvent.IntervalBuckets(finite, counts);
    }

    /** Takes what happened and returns the next state and the events to record. */
    public Step on(RolloutState s, Input input) {
        Instant now = input.at();
        // Java 17 has no type patterns in switch; the chain below covers every permitted Input.
        if (input instanceof Input.Tick) {
            return onTick(s, now);
        } else if (input instanceof Input.Inspected inspected) {
            return onInspected(s, inspected.split(), now);
        } else if (input instanceof Input.Shifted shifted) {
            return onShifted(s, shifted.split(), now);
        } else if (input instanceof Input.RouterFailed failed) {
            return onRouterFailed(s, failed.reason(), now);
        } else if (input instanceof Input.MetricsRead read) {
            return onMetricsRead(s, read, now);
        } else if (input instanceof Input.SignOff signOff) {
            return onSignOff(s, signOff);
        } else if (input instanceof Input.PromoteRequested promote) {
            return onPromoteRequested(s, promote.by(), now);
        } else if (input instanceof Input.RollbackRequested rollback) {
            return onRollbackRequested(s, rollback.by(), rollback.reason(), now);
        } else if (input instanceof Input.OpenWindow open) {
            return onOpenWindow(s, open);
        } else if (input instanceof Input.AbortRequested abort) {
            return onAbortRequested(s, abort.by(), now);
        }
        throw new IllegalArgumentException("unknown input " + input);
    }

    // ---- what to do next

    private static boolean retryPending(RolloutState s, Instant now) {
        return s.shift().retryAt() != null && now.isBefore(s.shift().retryAt());
    }

    private Action lookOrWait(RolloutState s, Instant now) {
        BakeClock clock = s.bake();
        if (!now.isBefore(clock.nextLookAt()) && !expiresBefore(s, clock.nextLookAt())) {
            return new Action.Read(new Window(clock.lastLookAt(), clock.nextLookAt()), promoted(s));
        }
        Instant due = clock.nextLookAt();
        if (s.phase() == Phase.AWAITING_SIGNOFF) {
            for (Instant alarm : List.of(s.gate().expiresAt(), GateReminders.nextAt(s, policy))) {
                due = alarm.isBefore(due) ? alarm : due;
            }
        }
        if (s.phase() == Phase.WAITING_FOR_WINDOW && windowDueAt(s, now).isBefore(due)) {
            due = windowDueAt(s, now);
        }
        return new Action.Wait(due);
    }

    /**
     * A gate that expired before the look at {@code lookEnd} settles first: a command resuming it long after (no
     * process ran) would otherwise read every look since, days of them, before the expiry the policy decides on.
     */
    private static boolean expiresBefore(RolloutState s, Instant lookEnd) {
        return s.phase() == Phase.AWAITING_SIGNOFF && s.gate().expiresAt().isBefore(lookEnd);
    }

    private Action dryRunRead(RolloutState s) {
        Instant end = s.phaseSince();
        return new Action.Read(new Window(end.minus(policy.analysis().interval()), end), false);
    }

    // ---- results of actions

    private Step onInspected(RolloutState s, TrafficSplit split, Instant now) {
        if (s.phase() != Phase.PENDING || s.subject().baseline() != null) {
            return stale(s);
        }
        List<RolloutEvent> events = new ArrayList<>();
        events.add(new RolloutEvent.Inspected(now, split));
        RolloutState inspected = s.withSubject(s.subject().withBaseline(split.baseline()))
                .withCanaryWeight(split.canaryWeight())
                .enter(Phase.PENDING, now);
        if (policy.dryRun()) {
            return Step.of(inspected, events);
        }
        WindowStatus window = schedule.at(now);
        if (!window.open()) {
            return holdForWindow(inspected, HeldMove.NEXT_STAGE, nextStageText(0), null, window, now, events);
        }
        return Step.of(startShift(inspected.withStageIndex(0), Phase.SHIFTING, stage(0).weight(), now), events);
    }

    private Step onShifted(RolloutState s, TrafficSplit split, Instant now) {
        if (s.phase() != Phase.SHIFTING && s.phase() != Phase.PROMOTING && s.phase() != Phase.ROLLING_BACK) {
            return stale(s);
        }
        RolloutState reported = s.withCanaryWeight(split.canaryWeight());
        int target = s.shift().targetWeight();
        int mirror = targetMirror(s);
        if (s.phase() == Phase.ROLLING_BACK) {
            if (split.canaryWeight() == 0 && split.mirrorPercent() == 0) {
                if (!split.ready()) {
                    // Until the router has applied 0% everywhere, some requests still reach the candidate.
                    return notReadyYet(reported, split, now);
                }
                RolloutState done = reported.withShift(null).enter(Phase.ROLLED_BACK, now);
                return Step.of(done, List.of(new RolloutEvent.RolledBack(now, split)));
            }
            return shiftFailed(
                    reported,
                    "the router reports " + split.canaryWeight() + "% to the candidate"
                            + mirrored(split.mirrorPercent()) + " after asking for 0% and no mirror",
                    split,
                    now);
        }
        if (split.mirrorPercent() != mirror) {
            // A mirror left on, or not set up, is a router that does not do what the stage needs.
            return shiftFailed(
                    reported,
                    "the router reports " + mirrorText(split.mirrorPercent()) + " after asking for "
                            + mirrorText(mirror),
                    split,
                    now);
        }
        if (split.canaryWeight() != target) {
            return shiftFailed(
                    reported,
                    "the router reports " + split.canaryWeight() + "% after asking for " + target + "%",
                    split,
                    now);
        }
        if (!split.ready()) {
            return notReadyYet(reported, split, now);
        }
        if (s.phase() == Phase.PROMOTING) {
            return target == policy.promote().watchWeight() && !s.watchPassed()
                    ? startWatch(reported, split, now)
                    : promoted(
                            reported.withShift(null),
                            now,
                            new ArrayList<>(List.of(new RolloutEvent.TrafficShifted(now, 0, split))));
        }
        return startStage(reported, split, now);
    }

    private Step onRouterFailed(RolloutState s, String reason, Instant now) {
        return switch (s.phase()) {
            case PENDING ->
                s.subject().baseline() == null
                        ? halt(s, "could not read the router, nothing was moved: " + reason, now, List.of())
                        : stale(s);
            case SHIFTING, PROMOTING, ROLLING_BACK -> shiftFailed(s, reason, null, now);
            default -> stale(s);
        };
    }

    private Step onMetricsRead(RolloutState s, Input.MetricsRead read, Instant now) {
        if (s.phase() == Phase.PENDING && policy.dryRun() && s.subject().baseline() != null) {
            LookResult checked = judge.look(s.judge(), read.readings(), LookContext.check());
            RolloutState done = s.enter(Phase.DRY_RUN_COMPLETE, now);
            return Step.of(done, List.of(new RolloutEvent.DryRunChecked(now, checked.metrics())));
        }
        boolean analysing = s.phase() == Phase.BAKING
                || s.phase() == Phase.AWAITING_SIGNOFF
                || s.phase() == Phase.WATCHING
                || s.phase() == Phase.WAITING_FOR_WINDOW;
        if (!analysing
                || s.bake() == null
                || !read.window().end().equals(s.bake().nextLookAt())) {
            return stale(s);
        }
        BakeClock clock = s.bake();
        boolean watching = inWatch(s);
        Instant lookEnd = read.window().end();
        boolean bakeOver = !holding(s) && !lookEnd.isBefore(clock.endsAt());
        Instant lastLook = clock.startedAt()
                .plus(
                        watching
                                ? policy.promote().maxBake()
                                : stage(s.stageIndex()).maxBake());
        boolean lastChance =
                bakeOver && !lookEnd.isBefore(lastLook.isAfter(clock.endsAt()) ? lastLook : clock.endsAt());
        LookContext context = watching
                ? LookContext.watch(bakeOver, lastChance)
                : LookContext.canary(s.stageIndex(), bakeOver, lastChance);
        LookResult look = judge.look(s.judge(), read.readings(), context);

        RolloutState looked = s.withJudge(look.state())
                .withBake(new BakeClock(
                        clock.startedAt(),
                        clock.endsAt(),
                        read.window().end(),
                        read.window().end().plus(policy.analysis().interval()),
                        clock.extensions()));
        List<RolloutEvent> events = new ArrayList<>();
        events.add(new RolloutEvent.Looked(
                now,
                watching ? 0 : s.stageIndex() + 1,
                s.canaryWeight(),
                read.window(),
                look.metrics(),
                watching ? 0 : stage(s.stageIndex()).shadow()));

        if (look.verdict().isEmpty()) {
            return Step.of(looked, events);
        }
        StageVerdict verdict = look.verdict().get();
        if (holding(s)) {
            // While people decide, or the window is closed, only a regression interrupts.
            String during =
                    s.phase() == Phase.AWAITING_SIGNOFF ? "awaiting sign-off" : "waiting for the deployment window";
            return verdict.verdict() == Verdict.FAIL
                    ? fail(looked, "regression while " + during + ": " + firstReason(verdict), now, events)
                    : Step.of(looked, events);
        }
        if (s.phase() == Phase.WATCHING) {
            return concludeWatch(looked, verdict, now, events);
        }
        return concludeStage(looked, verdict, now, events);
    }

    // ---- people and the clock

    private Step onTick(RolloutState s, Instant now) {
        if (s.phase() == Phase.WAITING_FOR_WINDOW && !now.isBefore(windowDueAt(s, now))) {
            return windowDue(s, now);
        }
        if (s.phase() == Phase.AWAITING_SIGNOFF && now.isBefore(s.gate().expiresAt())) {
            SignOffRules rules = rules();
            return GateReminders.due(
                    s,
                    policy,
                    rules.escalationFor(s.gate().tally(rules, approvers).rolesShort()),
                    now);
        }
        if (s.phase() != Phase.AWAITING_SIGNOFF) {
            return Step.of(s, List.of());
        }
        SignOffGate expired = s.gate().expire(now);
        RolloutState closed = s.withGate(expired, s.gatePurpose());
        List<RolloutEvent> events = new ArrayList<>();
        events.add(new RolloutEvent.GateSettled(
                now,
                expired.purpose(),
                expired.settlement().map(Settlement::summary).orElse("expired")));
        String why = "the sign-off for " + expired.purpose() + " expired at " + Format.moment(expired.expiresAt());
        return rules().onExpiry() == SignOffPolicy.OnExpiry.HOLD
                ? halt(closed, why + "; traffic held at " + s.canaryWeight() + "% as the policy says", now, events)
                : rollback(closed, why, "ml-rollout", now, events);
    }

    private Step onSignOff(RolloutState s, Input.SignOff request) {
        Instant now = request.at();
        Optional<SignOffGate> open = s.openGate();
        if (open.isEmpty()) {
            String why = "no sign-off is open (the rollout is " + describe(s.phase()) + ")";
            return Step.refused(
                    s, new RolloutEvent.SignatureRefused(now, request.who().userId(), request.decision(), why), why);
        }
        SignResult result = open.get()
                .sign(
                        rules(),
                        request.who(),
                        request.decision(),
                        request.comment(),
                        now,
                        s.subject().startedBy(),
                        approvers);
        if (result instanceof SignResult.Refused refused) {
            return Step.refused(
                    s,
                    new RolloutEvent.SignatureRefused(
                            now, request.who().userId(), request.decision(), refused.reason()),
                    refused.reason());
        }
        SignOffGate gate = ((SignResult.Accepted) result).gate();
        RolloutState signed = s.withGate(gate, s.gatePurpose());
        List<RolloutEvent> events = new ArrayList<>();
        events.add(new RolloutEvent.Signed(
                now,
                request.who().userId(),
                request.decision(),
                request.comment(),
                gate.approvals(),
                rules().quorum(),
                gate.tally(rules(), approvers).roles()));
        if (gate.isOpen()) {
            return Step.of(signed, events);
        }
        Settlement settlement = gate.settlement().orElseThrow();
        events.add(new RolloutEvent.GateSettled(now, gate.purpose(), settlement.summary()));
        if (!settlement.outcome().letsThrough()) {
            return rollback(signed, settlement.summary(), request.who().userId(), now, events);
        }
        return switch (s.gatePurpose()) {
            case STAGE, INCONCLUSIVE -> advance(signed.withPromotionSigned(isLastStage(s)), now, events);
            case WATCH -> completePromotion(signed, now, events);
            case PROMOTION ->
                promoteInWindow(
                        signed.withPromotionSigned(true),
                        s.promotionRequestedBy() != null
                                ? s.promotionRequestedBy()
                                : request.who().userId(),
                        now,
                        events);
        };
    }

    private Step onPromoteRequested(RolloutState s, String by, Instant now) {
        if (s.phase() != Phase.CANARY_PASSED) {
            String why = "cannot promote: the canary has not passed (the rollout is " + describe(s.phase()) + ")";
            return Step.refused(s, new RolloutEvent.Ignored(now, "promote by " + by, why), why);
        }
        boolean needsSignOff = policy.promote().signOff() && signOffRules.isPresent() && !s.promotionSigned();
        if (!needsSignOff) {
            return promoteInWindow(s, by, now, new ArrayList<>());
        }
        // People decide at the current weight while the metrics are still watched.
        Instant firstLook = now.plus(policy.analysis().interval());
        RolloutState waiting =
                s.withBake(new BakeClock(now, now, now, firstLook, 0)).withPromotionRequestedBy(by);
        return openGate(waiting, GatePurpose.PROMOTION, "promotion to 100%", now, new ArrayList<>());
    }

    private Step onRollbackRequested(RolloutState s, String by, String reason, Instant now) {
        return switch (s.phase()) {
            case ROLLED_BACK, ROLLING_BACK ->
                Step.of(
                        s,
                        List.of(new RolloutEvent.Ignored(now, "rollback by " + by, "already " + describe(s.phase()))));
            case DRY_RUN_COMPLETE ->
                Step.of(s, List.of(new RolloutEvent.Ignored(now, "rollback by " + by, "a dry run moved no traffic")));
            default -> rollback(s, reason + " (requested by " + by + ")", by, now, new ArrayList<>());
        };
    }

    private Step onAbortRequested(RolloutState s, String by, Instant now) {
        if (s.phase().isResting() || s.phase() == Phase.ROLLING_BACK) {
            return Step.of(s, List.of(new RolloutEvent.Aborted(now, by)));
        }
        List<RolloutEvent> events = new ArrayList<>();
        events.add(new RolloutEvent.Aborted(now, by));
        String why = "aborted by " + by;
        if (s.phase() == Phase.PENDING) {
            return halt(s, why + " before any traffic moved", now, events);
        }
        return policy.rollback().onAbort() == RollbackSettings.OnAbort.HOLD
                ? halt(s, why + "; traffic held at " + s.canaryWeight() + "% as the policy says", now, events)
                : rollback(s, why, by, now, events);
    }

    // ---- stages

    private Step startStage(RolloutState s, TrafficSplit split, Instant now) {
        Stage stage = stage(s.stageIndex());
        Instant endsAt = now.plus(stage.bake());
        RolloutState baking = s.withShift(null)
                .withJudge(judge.beginStage(s.judge()))
                .withBake(new BakeClock(
                        now, endsAt, now, now.plus(policy.analysis().interval()), 0))
                .enter(Phase.BAKING, now);
        return Step.of(
                baking,
                List.of(
                        new RolloutEvent.TrafficShifted(now, s.stageIndex() + 1, split),
                        new RolloutEvent.StageStarted(
                                now, s.stageIndex() + 1, policy.stageCount(), stage.weight(), endsAt, stage.shadow())));
    }

    private Step concludeStage(RolloutState s, StageVerdict verdict, Instant now, List<RolloutEvent> events) {
        int number = s.stageIndex() + 1;
        events.add(new RolloutEvent.StageConcluded(
                now,
                number,
                policy.stageCount(),
                s.canaryWeight(),
                verdict.verdict(),
                verdict.score(),
                verdict.reasons(),
                stage(s.stageIndex()).shadow()));
        // An inconclusive stage that bakes again has no verdict yet: only its final one is kept.
        boolean extending = verdict.verdict() == Verdict.INCONCLUSIVE
                && policy.analysis().onInconclusive() == AnalysisSettings.OnInconclusive.EXTEND
                && s.bake().extensions() < policy.analysis().limits().extensions();
        RolloutState judged = extending
                ? s
                : s.withStageSummary(new StageSummary(
                        number,
                        s.canaryWeight(),
                        verdict.verdict(),
                        verdict.score(),
                        verdict.reasons(),
                        stage(s.stageIndex()).shadow()));
        return switch (verdict.verdict()) {
            case FAIL -> fail(judged, "stage " + number + " failed: " + firstReason(verdict), now, events);
            case INCONCLUSIVE -> inconclusive(judged, verdict, now, events);
            case PASS ->
                stage(s.stageIndex()).signOff()
                        ? openGate(judged, GatePurpose.STAGE, gatePurposeText(s), now, events)
                        : advance(judged, now, events);
        };
    }

    private Step inconclusive(RolloutState s, StageVerdict verdict, Instant now, List<RolloutEvent> events) {
        boolean watch = s.phase() == Phase.WATCHING;
        String why = (watch ? "the promotion watch" : "stage " + (s.stageIndex() + 1)) + " was inconclusive: "
                + firstReason(verdict);
        return switch (policy.analysis().onInconclusive()) {
            case SIGN_OFF -> openGate(s, watch ? GatePurpose.WATCH : GatePurpose.INCONCLUSIVE, why, now, events);
            case ROLLBACK -> fail(s, why, now, events);
            case EXTEND -> {
                BakeClock clock = s.bake();
                if (clock.extensions() >= policy.analysis().limits().extensions()) {
                    yield fail(s, why + " (still, after " + clock.extensions() + " extension(s))", now, events);
                }
                Duration length = Duration.between(clock.startedAt(), clock.endsAt());
                // from the look that found it inconclusive: a stage that baked on past its end gets a whole bake more
                Instant from = clock.lastLookAt().isAfter(clock.endsAt()) ? clock.lastLookAt() : clock.endsAt();
                Instant endsAt = from.plus(length);
                events.add(new RolloutEvent.StageExtended(
                        now, watch ? 0 : s.stageIndex() + 1, clock.extensions() + 1, endsAt));
                yield Step.of(
                        s.withBake(new BakeClock(
                                clock.startedAt(),
                                endsAt,
                                clock.lastLookAt(),
                                clock.nextLookAt(),
                                clock.extensions() + 1)),
                        events);
            }
        };
    }

    private Step advance(RolloutState s, Instant now, List<RolloutEvent> events) {
        int nextIndex = s.stageIndex() + 1;
        if (nextIndex < policy.stageCount()) {
            WindowStatus window = schedule.at(now);
            if (!window.open()) {
                return holdForWindow(s, HeldMove.NEXT_STAGE, nextStageText(nextIndex), null, window, now, events);
            }
            return Step.of(
                    startShift(
                            s.withStageIndex(nextIndex),
                            Phase.SHIFTING,
                            stage(nextIndex).weight(),
                            now),
                    events);
        }
        events.add(new RolloutEvent.CanaryPassed(now, s.canaryWeight()));
        return Step.of(s.withReason(null).enter(Phase.CANARY_PASSED, now), events);
    }

    private String nextStageText(int index) {
        return "stage " + (index + 1) + "/" + policy.stageCount() + " ("
                + stage(index).label() + ")";
    }

    // ---- deployment windows

    /** A promotion goes ahead only in the deployment window; outside it, it waits or is refused, as the policy says. */
    private Step promoteInWindow(RolloutState s, String by, Instant now, List<RolloutEvent> events) {
        WindowStatus window = schedule.at(now);
        if (window.open()) {
            return startPromotion(s, by, now, events);
        }
        if (!waitable(window, now)) {
            String why = "cannot promote: the deployment window is closed, it " + window.explanation()
                    + waitLimitNote(window);
            events.add(new RolloutEvent.Ignored(now, "promote by " + by, why));
            // Nothing moved: the canary stays where it passed, and the request fails for the person who made it.
            RolloutState resting = s.phase() == Phase.CANARY_PASSED ? s : s.enter(Phase.CANARY_PASSED, now);
            return new Step(resting, events, Optional.of(why));
        }
        // Looks go on while it waits, so a regression still rolls back.
        RolloutState watched = s.phase() == Phase.CANARY_PASSED
                ? s.withBake(
                        new BakeClock(now, now, now, now.plus(policy.analysis().interval()), 0))
                : s;
        return holdForWindow(watched, HeldMove.PROMOTION, PROMOTION_TEXT, by, window, now, events);
    }

    private static final String PROMOTION_TEXT = "promotion to 100%";

    private boolean waitable(WindowStatus window, Instant now) {
        return schedule.outsideWindow() == OutsideWindow.WAIT
                && window.opensAt()
                        .filter(at -> !at.isAfter(now.plus(schedule.maxWait())))
                        .isPresent();
    }

    private String waitLimitNote(WindowStatus window) {
        return schedule.outsideWindow() == OutsideWindow.FAIL
                ? "; the policy says schedule.outsideWindow: fail"
                : "; that is beyond schedule.maxWait (" + Durations.format(schedule.maxWait()) + ")";
    }

    private Step holdForWindow(
            RolloutState s,
            HeldMove move,
            String moveText,
            String by,
            WindowStatus window,
            Instant now,
            List<RolloutEvent> events) {
        if (move == HeldMove.NEXT_STAGE && !waitable(window, now) && s.stageIndex() < 0) {
            return halt(
                    s,
                    "the deployment window is closed, it " + window.explanation() + waitLimitNote(window)
                            + "; nothing was moved",
                    now,
                    events);
        }
        if (move == HeldMove.NEXT_STAGE && !waitable(window, now)) {
            return fail(
                    s,
                    "the deployment window for " + moveText + " is closed, it " + window.explanation()
                            + waitLimitNote(window),
                    now,
                    events);
        }
        Instant opensAt = window.opensAt().orElseThrow();
        events.add(new RolloutEvent.WindowWaiting(now, moveText, window.explanation(), opensAt));
        RolloutState waiting = s.withWindow(new WindowHold(move, now, opensAt, window.explanation(), by))
                .enter(Phase.WAITING_FOR_WINDOW, now);
        return Step.of(waiting, events);
    }

    /**
     * When the wait is to be looked at again: at the opening it was made for, or now when the calendars no longer
     * open then. A rollout resumed under an edited calendar (a freeze lifted or moved) is held by the calendars it runs
     * under, not by the opening saved with the wait.
     */
    private Instant windowDueAt(RolloutState s, Instant now) {
        Instant opensAt = s.window().opensAt();
        return schedule.firstOpensAt(now, opensAt) ? opensAt : now;
    }

    /** The window should be open now, or the calendars changed: go ahead, or wait anew for their next opening. */
    private Step windowDue(RolloutState s, Instant now) {
        WindowHold hold = s.window();
        WindowStatus window = schedule.at(now);
        if (window.open()) {
            return release(s, null, null, now);
        }
        if (hold.move() == HeldMove.PROMOTION) {
            // as when it was asked for: wait anew, or refuse it if the window now opens too late
            return promoteInWindow(s.withWindow(null), hold.requestedBy(), now, new ArrayList<>());
        }
        return holdForWindow(s, hold.move(), nextStageText(s.stageIndex() + 1), null, window, now, new ArrayList<>());
    }

    private Step onOpenWindow(RolloutState s, Input.OpenWindow open) {
        Instant now = open.at();
        if (s.phase() != Phase.WAITING_FOR_WINDOW) {
            String why = "nothing waits for the deployment window (the rollout is " + describe(s.phase()) + ")";
            return Step.refused(s, new RolloutEvent.Ignored(now, "open the window by " + open.by(), why), why);
        }
        return release(s, open.by(), open.comment(), now);
    }

    private Step release(RolloutState s, String by, String comment, Instant now) {
        WindowHold hold = s.window();
        List<RolloutEvent> events = new ArrayList<>();
        RolloutState released = s.withWindow(null);
        if (hold.move() == HeldMove.PROMOTION) {
            events.add(new RolloutEvent.WindowOpened(now, PROMOTION_TEXT, by, comment));
            return startPromotion(released, hold.requestedBy(), now, events);
        }
        int nextIndex = s.stageIndex() + 1;
        events.add(new RolloutEvent.WindowOpened(now, nextStageText(nextIndex), by, comment));
        return Step.of(
                startShift(
                        released.withStageIndex(nextIndex),
                        Phase.SHIFTING,
                        stage(nextIndex).weight(),
                        now),
                events);
    }

    /** Traffic stays where it is while people decide or the window is closed; only a regression interrupts. */
    private static boolean holding(RolloutState s) {
        return s.phase() == Phase.AWAITING_SIGNOFF || s.phase() == Phase.WAITING_FOR_WINDOW;
    }

    // ---- promotion

    private Step startPromotion(RolloutState s, String by, Instant now, List<RolloutEvent> events) {
        events.add(new RolloutEvent.PromotionStarted(now, by));
        return Step.of(startShift(s, Phase.PROMOTING, policy.promote().watchWeight(), now), events);
    }

    private Step startWatch(RolloutState s, TrafficSplit split, Instant now) {
        Instant endsAt = now.plus(policy.promote().bake());
        RolloutState watching = s.withShift(null)
                .withJudge(judge.beginWatch(s.judge()))
                .withBake(new BakeClock(
                        now, endsAt, now, now.plus(policy.analysis().interval()), 0))
                .enter(Phase.WATCHING, now);
        return Step.of(
                watching,
                List.of(new RolloutEvent.TrafficShifted(now, 0, split), new RolloutEvent.WatchStarted(now, endsAt)));
    }

    private Step concludeWatch(RolloutState s, StageVerdict verdict, Instant now, List<RolloutEvent> events) {
        return switch (verdict.verdict()) {
            case FAIL -> fail(s, "the promoted candidate regressed: " + firstReason(verdict), now, events);
            case INCONCLUSIVE -> inconclusive(s, verdict, now, events);
            case PASS -> completePromotion(s, now, events);
        };
    }

    /** After the watch: the held-back share goes to the candidate too (a failed shift rolls back), or it is done. */
    private Step completePromotion(RolloutState s, Instant now, List<RolloutEvent> events) {
        if (s.canaryWeight() == 100) {
            return promoted(s, now, events);
        }
        return Step.of(startShift(s.withWatchPassed(true), Phase.PROMOTING, 100, now), events);
    }

    private static Step promoted(RolloutState s, Instant now, List<RolloutEvent> events) {
        events.add(new RolloutEvent.Promoted(now));
        return Step.of(s.enter(Phase.PROMOTED, now), events);
    }

    /** At 100% there is no baseline traffic left to read: only the candidate's metrics are. */
    private static boolean promoted(RolloutState s) {
        return s.canaryWeight() == 100;
    }

    /** Looks judge the promoted candidate while it is watched, and while people decide on an inconclusive watch. */
    private static boolean inWatch(RolloutState s) {
        return s.phase() == Phase.WATCHING
                || (s.phase() == Phase.AWAITING_SIGNOFF && s.gatePurpose() == GatePurpose.WATCH);
    }

    // ---- sign-off gates

    private Step openGate(
            RolloutState s, GatePurpose purpose, String description, Instant now, List<RolloutEvent> events) {
        SignOffRules rules = rules();
        SignOffGate gate = SignOffGate.open(description, rules, now);
        RolloutState waiting = s.withGate(gate, purpose).withGateAlerts(null).enter(Phase.AWAITING_SIGNOFF, now);
        events.add(new RolloutEvent.GateOpened(
                now,
                description,
                rules.approvers(),
                rules.quorum(),
                gate.expiresAt(),
                gate.tally(rules, approvers).roles()));
        return Step.of(waiting, events);
    }

    private String gatePurposeText(RolloutState s) {
        int number = s.stageIndex() + 1;
        String text = "stage " + number + "/" + policy.stageCount() + " ("
                + stage(s.stageIndex()).label() + ")";
        return isLastStage(s) && policy.promote().signOff() ? text + " and promotion" : text;
    }

    private boolean isLastStage(RolloutState s) {
        return s.stageIndex() == policy.stageCount() - 1 && s.canaryWeight() < 100;
    }

    private SignOffRules rules() {
        return signOffRules.orElseThrow(() -> new IllegalStateException("no sign-off rules configured"));
    }

    // ---- shifts and failures

    /**
     * The mirror share the shift under way asks for: a shadow stage's while shifting into it, else none, so promotion,
     * the next canary stage and a rollback all end a mirror.
     */
    private int targetMirror(RolloutState s) {
        return s.phase() == Phase.SHIFTING ? stage(s.stageIndex()).shadow() : 0;
    }

    private static String mirrored(int mirrorPercent) {
        return mirrorPercent == 0 ? "" : " and " + mirrorPercent + "% mirrored to it";
    }

    private static String mirrorText(int mirrorPercent) {
        return mirrorPercent == 0 ? "no mirror" : mirrorPercent + "% mirrored to the candidate";
    }

    private RolloutState startShift(RolloutState s, Phase phase, int target, Instant now) {
        Instant deadline = now.plus(policy.analysis().limits().shiftTimeout());
        return s.withShift(new ShiftProgress(target, 0, deadline, null, null)).enter(phase, now);
    }

    private Step notReadyYet(RolloutState s, TrafficSplit split, Instant now) {
        ShiftProgress shift = s.shift();
        if (!now.isBefore(shift.deadline())) {
            return shiftGaveUp(
                    s,
                    "the router did not report the " + shift.targetWeight() + "% split ready by " + shift.deadline(),
                    split,
                    now);
        }
        RolloutState polling = s.withShift(new ShiftProgress(
                shift.targetWeight(), shift.attempts(), shift.deadline(), now.plus(READINESS_POLL), "not ready"));
        return Step.of(polling, List.of());
    }

    private Step shiftFailed(RolloutState s, String reason, TrafficSplit reported, Instant now) {
        ShiftProgress shift = s.shift();
        int attempts = shift.attempts() + 1;
        if (attempts >= policy.analysis().limits().shiftAttempts()) {
            return shiftGaveUp(s, reason + " (after " + attempts + " attempts)", reported, now);
        }
        Duration pause = FIRST_SHIFT_RETRY.multipliedBy(1L << Math.min(attempts - 1, 10));
        Instant retryAt = now.plus(pause.compareTo(MAX_SHIFT_RETRY) > 0 ? MAX_SHIFT_RETRY : pause);
        RolloutState retrying =
                s.withShift(new ShiftProgress(shift.targetWeight(), attempts, shift.deadline(), retryAt, reason));
        return Step.of(
                retrying, List.of(new RolloutEvent.ShiftRetry(now, shift.targetWeight(), attempts, reason, retryAt)));
    }

    private Step shiftGaveUp(RolloutState s, String reason, TrafficSplit reported, Instant now) {
        if (s.phase() == Phase.ROLLING_BACK) {
            RolloutState failed = s.withReason("rollback failed: " + reason).enter(Phase.ROLLBACK_FAILED, now);
            // Without an answer now, the split the router last reported (the state keeps its weight; a stage or a
            // watch starts only once the router reports its split ready) is the best word on where traffic is.
            TrafficSplit lastKnown = reported != null
                    ? reported
                    : new TrafficSplit(s.subject().baseline(), s.subject().candidate(), s.canaryWeight(), true);
            return Step.of(failed, List.of(new RolloutEvent.RollbackFailed(now, reason, lastKnown)));
        }
        // A failed shift during a rollout always leads to rollback, whatever rollback.automatic says.
        return rollback(s, "traffic shift failed: " + reason, "ml-rollout", now, new ArrayList<>());
    }

    /** A failed verdict: roll back, or hold when the policy turned automatic rollback off. */
    private Step fail(RolloutState s, String reason, Instant now, List<RolloutEvent> events) {
        if (policy.rollback().automatic()) {
            return rollback(s, reason, "ml-rollout", now, events);
        }
        return halt(s, reason + "; automatic rollback is off, traffic held at " + s.canaryWeight() + "%", now, events);
    }

    private Step rollback(RolloutState s, String reason, String by, Instant now, List<RolloutEvent> events) {
        events.add(new RolloutEvent.RollbackStarted(now, reason, by));
        Instant deadline = now.plus(policy.analysis().limits().shiftTimeout());
        RolloutState rollingBack = s.withShift(new ShiftProgress(0, 0, deadline, null, null))
                .withReason(reason)
                .enter(Phase.ROLLING_BACK, now);
        return Step.of(rollingBack, events);
    }

    private static Step halt(RolloutState s, String reason, Instant now, List<RolloutEvent> events) {
        List<RolloutEvent> all = new ArrayList<>(events);
        all.add(new RolloutEvent.Halted(now, reason));
        return Step.of(s.withShift(null).withReason(reason).enter(Phase.HALTED, now), all);
    }

    private static Step stale(RolloutState s) {
        // A result that arrives after the rollout moved on (e.g. a read finishing after an abort): nothing to do.
        return Step.of(s, List.of());
    }

    private Stage stage(int index) {
        return policy.stage(index);
    }

    private static String firstReason(StageVerdict verdict) {
        return verdict.reasons().isEmpty()
                ? "no reason given"
                : verdict.reasons().get(0);
    }

    static String describe(Phase phase) {
        return phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}

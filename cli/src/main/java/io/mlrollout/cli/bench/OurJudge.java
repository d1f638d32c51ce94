package io.mlrollout.cli.bench;

import io.mlrollout.core.analysis.Judge;
import io.mlrollout.core.analysis.JudgeState;
import io.mlrollout.core.analysis.LookContext;
import io.mlrollout.core.analysis.LookResult;
import io.mlrollout.core.analysis.StageVerdict;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.Policy;
import java.util.Map;
import java.util.Optional;

/**
 * The shipped judge, built from one of the benchmark's policies by the real parser and fed look by look as the rollout
 * engine feeds it: {@code begin} with the baseline's hour before the rollout (as the pre-flight plan reads it), {@code
 * beginStage}, one canary look per minute with every metric's readings (the
 * {@link BenchSetup#CANARY_LOOKS}-th marked as the end of the bake), then {@code beginWatch} and one watch look per
 * minute with both versions' readings (the baseline's from the holdback), its {@link BenchSetup#WATCH_LOOKS}-th
 * marked as the watch's end.
 *
 * <p>A FAIL verdict is a rollback at that minute. An INCONCLUSIVE verdict ends the rollout {@link #INCONCLUSIVE}:
 * neither rolled back nor promoted, whatever the policy's {@code onInconclusive} would do next, so the benchmark can
 * count it apart. A PASS of the canary starts the watch; a PASS of the watch promotes.
 *
 * <p>A stage whose bake ends before the data decide bakes on, as the engine lets it up to its {@code maxBake} (three
 * times the bake by default): a look without data decides nothing, and one whose data do not yet show the candidate
 * within its margins waits for more. The engine keeps the stage's weight while it bakes on; here the rollout's next
 * minutes are the watch's, drawn at the watch's shares (where minutes are Poisson, one of them tells about a third of
 * what a minute at the stage's 25% tells about the error ratio: the holdback's few errors bound it). The other judges
 * read those minutes too. The watch, which then starts later, still needs its {@link BenchSetup#WATCH_LOOKS} looks to
 * promote, so a stage that passes late can still be rolled back by the watch but not promoted: a rollout still
 * undecided at its last minute is inconclusive.
 */
final class OurJudge implements RolloutJudge {

    private final Judge judge;

    OurJudge(Policy policy) {
        this.judge = new Judge(policy);
    }

    @Override
    public int decide(Traffic traffic) {
        JudgeState state = judge.beginStage(judge.begin(traffic.history()));
        int minutes = traffic.intervals();
        boolean watching = false;
        int watchLooks = 0;
        for (int i = 0; i < minutes; i++) {
            LookContext context = watching
                    ? LookContext.watch(++watchLooks == BenchSetup.WATCH_LOOKS)
                    : LookContext.canary(0, i >= BenchSetup.CANARY_LOOKS - 1, i == minutes - 1);
            LookResult result = judge.look(state, readings(traffic, i), context);
            state = result.state();
            Optional<StageVerdict> verdict = result.verdict();
            if (verdict.isEmpty()) {
                continue;
            }
            Verdict v = verdict.get().verdict();
            if (v == Verdict.FAIL) {
                return i + 1;
            }
            if (v == Verdict.INCONCLUSIVE) {
                return INCONCLUSIVE;
            }
            if (watching) {
                return PROMOTED;
            }
            watching = true;
            state = judge.beginWatch(state);
        }
        return INCONCLUSIVE;
    }

    /** Minute {@code i} of every metric the policies name; a metric the policy lacks is not looked up. */
    static Map<String, Readings> readings(Traffic traffic, int i) {
        return Map.of(
                BenchSetup.ERRORS,
                new Readings(
                        new Reading.Counts(traffic.canaryBad()[i], traffic.canaryTotal()[i]),
                        new Reading.Counts(traffic.baselineBad()[i], traffic.baselineTotal()[i])),
                BenchSetup.SLOW_REQUESTS,
                new Readings(
                        new Reading.Counts(traffic.canarySlow()[i], traffic.canaryTotal()[i]),
                        new Reading.Counts(traffic.baselineSlow()[i], traffic.baselineTotal()[i])),
                BenchSetup.LATENCY,
                new Readings(
                        new Reading.Histogram(traffic.boundsMs(), traffic.canaryBuckets()[i]),
                        new Reading.Histogram(traffic.boundsMs(), traffic.baselineBuckets()[i])));
    }
}

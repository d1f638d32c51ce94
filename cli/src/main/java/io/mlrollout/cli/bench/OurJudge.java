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
 * engine feeds it: {@code begin}, {@code beginStage}, then one {@code look} per minute with every metric's readings, the
 * last look marked as the end of the bake. A FAIL verdict is a rollback at that look; so is an INCONCLUSIVE stage end,
 * because the policy says {@code onInconclusive: rollback}.
 */
final class OurJudge implements RolloutJudge {

    private final Judge judge;

    OurJudge(Policy policy) {
        this.judge = new Judge(policy);
    }

    @Override
    public int decide(Traffic traffic) {
        JudgeState state = judge.beginStage(judge.begin());
        int looks = traffic.intervals();
        for (int i = 0; i < looks; i++) {
            boolean end = i == looks - 1;
            LookResult result = judge.look(state, readings(traffic, i), LookContext.canary(0, end));
            state = result.state();
            Optional<StageVerdict> verdict = result.verdict();
            if (verdict.isPresent()) {
                return verdict.get().verdict() == Verdict.PASS ? PASSED : i + 1;
            }
        }
        return PASSED;
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
                new Readings(latency(traffic.canaryP99()[i]), latency(traffic.baselineP99()[i])));
    }

    private static Reading latency(double p99) {
        return Double.isNaN(p99) ? new Reading.NoData("NaN: no requests this minute") : new Reading.Scalar(p99);
    }
}

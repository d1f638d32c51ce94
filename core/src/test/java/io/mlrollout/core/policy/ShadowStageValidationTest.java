package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.withStages;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code - shadow: 20%}: a stage that mirrors a share of requests to the candidate and serves no user. */
class ShadowStageValidationTest {

    @Test
    void aShadowStageBeforeTheCanaryStagesParses() throws Exception {
        Policy policy = PolicyParser.parse(withStages(
                "{shadow: 10%, bake: 10m}", "{shadow: 50%, bake: 10m, maxBake: 15m}", "{weight: 5, bake: 10m}"));

        assertThat(policy.stage(0))
                .isEqualTo(Stage.shadowStage(10, Duration.ofMinutes(10), Duration.ofMinutes(30), false));
        assertThat(policy.stage(1).shadow()).isEqualTo(50);
        assertThat(policy.stage(1).maxBake()).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.stage(1).label()).isEqualTo("shadow 50%");
        assertThat(policy.stage(1).candidateShare()).isEqualTo(0.5);
        assertThat(policy.stage(1).baselineShare()).isEqualTo(1.0);
        assertThat(policy.stage(2).isShadow()).isFalse();
    }

    @Test
    void aStageIsEitherShadowOrCanary() {
        assertRefused(
                withStages("{shadow: 10%, weight: 5, bake: 10m}"),
                "stages[0].shadow",
                "a stage has either weight (a canary stage) or shadow (a shadow stage, which serves no user), not both");
    }

    @Test
    void aShadowStageAfterACanaryStageIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 10m}", "{shadow: 20%, bake: 10m}"),
                "stages[1].shadow",
                "a shadow stage must come before the canary stages: once users are served by the candidate, mirroring"
                        + " tells nothing new");
    }

    @Test
    void sharesAreWholePercentsFrom1To100AndIncrease() {
        assertRefused(
                withStages("{shadow: 12.5%, bake: 10m}"),
                "stages[0].shadow",
                "12.5% is not a whole percent; routers mirror whole percents");
        assertRefused(
                withStages("{shadow: 0%, bake: 10m}"),
                "stages[0].shadow",
                "0% mirrors nothing; a shadow stage needs 1% to 100%");
        assertRefused(withStages("{shadow: 150%, bake: 10m}"), "stages[0].shadow", "150% is over 100%");
        assertRefused(
                withStages("{shadow: 20, bake: 10m}"),
                "stages[0].shadow",
                "a percentage is written with %, e.g. 10% or 0.5%; got the number 20");
        assertRefused(
                withStages("{shadow: 20%, bake: 10m}", "{shadow: 20%, bake: 10m}"),
                "stages[1].shadow",
                "20% is not above the previous shadow stage's 20%; shares must increase");
    }
}

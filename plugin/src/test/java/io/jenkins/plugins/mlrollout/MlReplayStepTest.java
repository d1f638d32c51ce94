package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import java.nio.file.Path;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlReplay}: the policy's judge over the endpoint's recorded metrics, on the plugin's threads, moving nothing;
 * bad input refused before any query, naming the field.
 */
class MlReplayStepTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private FakeBuild build;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        build = fixture.build("fraud-deploy", 7, "dave");
        fixture.serving.weight = 25; // what the recording holds: both versions served
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static MlReplayStep pastRollout(String from) {
        MlReplayStep step = new MlReplayStep(THREE_STAGES, from);
        step.setBaseline("v1");
        step.setCandidate("v2");
        return step;
    }

    @Test
    void aPastRolloutWithTripledErrorsIsReplayedToARollbackAndNothingMoves() throws Exception {
        fixture.serving.candidateErrorRate = 0.03;
        FakeStepContext context = build.newContext();

        started(pastRollout("2h").start(context));

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.result().orElseThrow();
        assertThat(result)
                .containsEntry("outcome", "ROLLED_BACK")
                .containsEntry("failed", true)
                .containsEntry("promoted", false);
        assertThat((String) result.get("summary")).startsWith("rolled back at 2026-11-23T08:");
        assertThat(build.log())
                .contains("[ml-rollout] replay of fraud-scorer from 2026-11-23T08:00:00Z to 2026-11-23T10:00:00Z:"
                        + " v1 (baseline) against v2 (candidate)")
                .contains("error-rate FAIL")
                .contains("[ml-rollout] replay: rolled back at");
        assertThat(fixture.serving.shifts).as("a replay moves nothing").isEmpty();
        assertThat(build.actions).as("and leaves no rollout on the build").isEmpty();
    }

    /** Found on a real Jenkins: the endpoint's minimum sign-off once refused every replay, whose sign-offs are left out. */
    @Test
    void anEndpointThatRequiresSignOffsStillReplaysAPolicyThatHasThem() throws Exception {
        fixture.endpoint.setApprovers("alice, bob");
        fixture.endpoint.setMinimumQuorum(2);
        FakeStepContext context = build.newContext();
        MlReplayStep gated = new MlReplayStep(StepFixture.GATED, "2h");
        gated.setBaseline("v1");
        gated.setCandidate("v2");

        started(gated.start(context));

        assertThat(context.result().orElseThrow())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "PROMOTED");
        assertThat(build.log()).doesNotContain("SIGN-OFF NEEDED");
    }

    @Test
    void aHealthyPastRolloutIsReplayedToAPromotion() throws Exception {
        FakeStepContext context = build.newContext();

        started(pastRollout("2026-11-23T08:00:00Z").start(context));

        assertThat(context.result().orElseThrow())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "PROMOTED")
                .containsEntry("failed", false);
    }

    @Test
    void aPolicyWithTiersIsReplayedOnItsOwnStagesAndTheLogSaysSo() throws Exception {
        FakeStepContext context = build.newContext();
        MlReplayStep step = new MlReplayStep(THREE_STAGES + """
                        facts: {changeType: string}
                        tiers:
                          - {name: fast, when: "changeType == 'retrain'", stages: [{weight: 50, bake: 10m}]}
                          - {name: full, when: "true"}
                        """, "2026-11-23T08:00:00Z");
        step.setBaseline("v1");
        step.setCandidate("v2");

        started(step.start(context));

        assertThat(context.result()).isPresent();
        assertThat(build.log())
                .contains("the policy's own stages and bounds; its tiers are not applied: a replay states no facts")
                .contains("stages 5% for 10m → 25% for 10m → 50% for 10m");
    }

    @Test
    void aRecordingThatEndsFirstIsUndecided() throws Exception {
        FakeStepContext context = build.newContext();
        MlReplayStep step = pastRollout("2h");
        step.setTo("90m"); // 30 minutes of a rollout that needs at least 40

        started(step.start(context));

        assertThat(context.result().orElseThrow())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "UNDECIDED");
    }

    @Test
    void badInputIsRefusedBeforeAnyQueryNamingTheField() {
        MlReplayStep both = pastRollout("2h");
        both.setAa("v1");
        MlReplayStep neither = new MlReplayStep(THREE_STAGES, "2h");
        MlReplayStep badTime = pastRollout("yesterday");
        MlReplayStep backwards = pastRollout("1h");
        backwards.setTo("2h");
        MlReplayStep tooManySplits = new MlReplayStep(THREE_STAGES, "2h");
        tooManySplits.setAa("v1");
        tooManySplits.setSplits(500);
        MlReplayStep badPolicy = new MlReplayStep("stages: [", "2h");
        badPolicy.setAa("v1");

        assertThatThrownBy(() -> both.start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("either baseline and candidate");
        assertThatThrownBy(() -> neither.start(build.newContext()).start())
                .hasMessageContaining("either baseline and candidate");
        assertThatThrownBy(() -> badTime.start(build.newContext()).start())
                .hasMessage("mlReplay: from: 'yesterday' is neither an ISO-8601 instant (2026-12-01T10:00:00Z), a"
                        + " duration ago (2h), nor now");
        assertThatThrownBy(() -> backwards.start(build.newContext()).start())
                .hasMessageStartingWith("mlReplay: to: 2026-11-23T08:00:00Z is not after from");
        assertThatThrownBy(() -> tooManySplits.start(build.newContext()).start())
                .hasMessage("mlReplay: splits: 500 is not 1..200");
        assertThatThrownBy(() -> badPolicy.start(build.newContext()).start())
                .hasMessageStartingWith("the policy was refused, nothing was moved:");
        assertThat(fixture.serving.metricReads).as("no query").isZero();
    }

    @Test
    void aVersionAgainstItselfAFutureEndAndPodsWithoutAaAreRefusedBeforeAnyQuery() {
        MlReplayStep sameVersion = pastRollout("2h");
        sameVersion.setCandidate("v1");
        MlReplayStep future = pastRollout("2h");
        future.setTo("2026-11-24T10:00:00Z");
        MlReplayStep podsWithoutAa = pastRollout("2h");
        podsWithoutAa.setPods(java.util.List.of("p-0", "p-1"));

        assertThatThrownBy(() -> sameVersion.start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("mlReplay: candidate: v1 is also the baseline");
        assertThatThrownBy(() -> future.start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("mlReplay: to: 2026-11-24T10:00:00Z is after now (");
        assertThatThrownBy(() -> podsWithoutAa.start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessage("mlReplay: pods: only an A/A replay (aa) splits pods");
        assertThat(fixture.serving.metricReads).as("no query").isZero();
    }

    @Test
    void aJobNotAllowedOnTheEndpointMayNotReplayIt() {
        FakeBuild other = fixture.build("someone-elses-job", 1, "mallory");

        assertThatThrownBy(() -> pastRollout("2h").start(other.newContext()).start())
                .hasMessageContaining("may not use endpoint 'fraud-scorer'");
    }

    @Test
    void aVersionPrometheusHasNoSeriesOfIsRefusedNamingTheField() throws Exception {
        try (mockwebserver3.MockWebServer prometheus = new mockwebserver3.MockWebServer()) {
            prometheus.enqueue(new mockwebserver3.MockResponse.Builder()
                    .body("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                            + "{\"metric\":{},\"value\":[1764000000,\"3\"]}]}}")
                    .build());
            prometheus.enqueue(new mockwebserver3.MockResponse.Builder()
                    .body("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}")
                    .build());
            prometheus.start(0);
            fixture.connectors.metrics = new io.mlrollout.core.metrics.PrometheusMetricsSource(
                    prometheus.url("/").uri(),
                    io.mlrollout.core.http.Credential.NONE,
                    new io.mlrollout.core.http.HttpSettings(
                            java.time.Duration.ofSeconds(2), 1, java.time.Duration.ofMillis(1)),
                    "",
                    wait -> {});
            MlReplayStep typo = pastRollout("2h");
            typo.setCandidate("v2-typo");
            FakeStepContext context = build.newContext();

            started(typo.start(context));

            assertThat(context.failure().orElseThrow())
                    .isInstanceOf(AbortException.class)
                    .hasMessageStartingWith("mlReplay: candidate: v2-typo has no series of error-rate between ");
            assertThat(prometheus.getRequestCount())
                    .as("one question per version, no look")
                    .isEqualTo(2);
        }
    }

    @Test
    void anAaReplayNeedsPrometheusAndSaysSo() throws Exception {
        MlReplayStep aa = new MlReplayStep(THREE_STAGES, "2h");
        aa.setAa("v1");
        FakeStepContext context = build.newContext();

        started(aa.start(context));

        assertThat(context.failure().orElseThrow())
                .hasMessageStartingWith("mlReplay: aa: an A/A replay reads pods from Prometheus, and endpoint"
                        + " 'fraud-scorer' reads its metrics from");
    }

    @Test
    void aRestartDuringAReplayFailsTheStepToBeRunAgain() throws Exception {
        fixture.holdWork = true;
        FakeStepContext context = build.newContext();
        StepExecution execution = started(pastRollout("2h").start(context));

        execution.onResume();

        assertThat(context.failure().orElseThrow()).hasMessageContaining("Jenkins restarted during the replay");
    }

    @Test
    void aStoppedReplayEndsOnceEvenWhenItsWorkFinishesLater() throws Exception {
        fixture.holdWork = true;
        FakeStepContext context = build.newContext();
        StepExecution execution = started(pastRollout("2h").start(context));

        execution.stop(new InterruptedException("aborted by carol"));
        fixture.runHeldWork();

        assertThat(context.endings()).isEqualTo(1);
        assertThat(context.failure().orElseThrow()).hasMessage("aborted by carol");
    }
}

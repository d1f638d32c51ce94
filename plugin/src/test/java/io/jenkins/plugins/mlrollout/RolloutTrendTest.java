package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;

import hudson.model.Job;
import hudson.security.ACL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/** A job's trend: its recent rollouts by outcome and time to decision, and a link only where rollouts ran. */
class RolloutTrendTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<ACL> aclStatic;
    private MockedStatic<HttpResponses> responses;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        aclStatic = mockStatic(ACL.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
        fixture.jenkinsStatic
                .when(Jenkins::getAuthentication2)
                .thenReturn(new UsernamePasswordAuthenticationToken("bob", "n/a", List.of()));
    }

    @AfterEach
    void tearDown() {
        responses.close();
        aclStatic.close();
        fixture.close();
    }

    @Test
    void aRejectedAndAWaitingRolloutAreCountedByOutcomeNewestFirst() throws Exception {
        FakeBuild first = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext rejected = first.newContext();
        started(new MlCanaryStep(GATED, "v2").start(rejected));
        fixture.runFor(Duration.ofMinutes(21));
        first.action(ENDPOINT).doReject("score drift");
        fixture.runUntilEnded(rejected);
        FakeBuild second = fixture.build("fraud-deploy", 2, "dave");
        started(new MlCanaryStep(GATED, "v3").start(second.newContext()));
        fixture.runFor(Duration.ofMinutes(21));
        Job<?, ?> job = second.job;
        doReturn(second.run).when(job).getLastBuild();
        doReturn(first.run).when(second.run).getPreviousBuild();

        RolloutTrend trend = new RolloutTrend(job);

        assertThat(trend.getRows())
                .extracting(
                        RolloutTrend.Row::getCandidate,
                        RolloutTrend.Row::getOutcome,
                        RolloutTrend.Row::getTimeToDecision,
                        RolloutTrend.Row::getUrl)
                .containsExactly(
                        tuple("v3", "AWAITING_SIGNOFF", "", "job/fraud-deploy/2/ml-rollout-fraud-scorer/"),
                        tuple("v2", "ROLLED_BACK", "21m", "job/fraud-deploy/1/ml-rollout-fraud-scorer/"));
        assertThat(trend.getCounts())
                .extracting(
                        RolloutTrend.Count::getOutcome, RolloutTrend.Count::getCount, RolloutTrend.Count::getPercent)
                .containsExactlyInAnyOrder(tuple("AWAITING_SIGNOFF", 1, 50), tuple("ROLLED_BACK", 1, 50));
        assertThat(new RolloutTrend.Factory().createFor(job)).hasSize(1);
    }

    @Test
    void aJobWithoutRolloutsGetsNoLink() {
        FakeBuild plain = fixture.build("nightly-tests", 9, "dave");
        doReturn(plain.run).when(plain.job).getLastBuild();

        assertThat(new RolloutTrend.Factory().createFor(plain.job)).isEmpty();
    }
}

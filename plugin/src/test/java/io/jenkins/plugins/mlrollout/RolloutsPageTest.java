package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import hudson.model.Item;
import hudson.model.RootAction;
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
import org.springframework.security.core.Authentication;

/** The ML Rollouts page: endpoints and holders, pending and "my" sign-offs, recent outcomes, each behind Job/Read. */
class RolloutsPageTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<ACL> aclStatic;
    private MockedStatic<HttpResponses> responses;
    private FakeBuild build;
    private FakeStepContext canary;
    private final RolloutsPage page = new RolloutsPage();

    @BeforeEach
    void aRolloutWaitsForItsSignOff() throws Exception {
        fixture = new StepFixture(home);
        aclStatic = mockStatic(ACL.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
        build = fixture.build("fraud-deploy", 7, "dave");
        canary = build.newContext();
        started(new MlCanaryStep(GATED, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(21));
    }

    @AfterEach
    void tearDown() {
        responses.close();
        aclStatic.close();
        fixture.close();
    }

    private void signedInAs(String user, boolean mayReadTheJob) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(user, "n/a", List.of());
        fixture.jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(fixture.jenkins.hasPermission(Jenkins.READ)).thenReturn(true);
        when(build.job.hasPermission(Item.READ)).thenReturn(mayReadTheJob);
    }

    @Test
    void aReaderSeesTheHolderItsStageAndWeightAndTheSignOffsTheyMayGive() {
        signedInAs("alice", true);

        assertThat(page).isInstanceOf(RootAction.class);
        assertThat(page.getIconFileName()).isEqualTo("symbol-analytics");
        assertThat(page.getEndpoints()).singleElement().satisfies(row -> {
            assertThat(row.getEndpoint()).isEqualTo(ENDPOINT);
            assertThat(row.isBusy()).isTrue();
            assertThat(row.getRollout()).isNotNull();
            assertThat(row.getRollout().getRun()).isSameAs(build.run);
            assertThat(row.getRollout().getStage()).isEqualTo(2);
            assertThat(row.getRollout().getCanaryWeight()).isEqualTo(25);
            assertThat(row.getRollout().getPhase()).isEqualTo("AWAITING_SIGNOFF");
            assertThat(row.getSince()).isEqualTo(StepFixture.T0.toString());
            assertThat(row.getBuild()).isEqualTo(build.run.getFullDisplayName());
            assertThat(row.getUrl()).isEqualTo(build.run.getUrl() + "ml-rollout-" + ENDPOINT + "/");
        });
        assertThat(page.getPendingSignOffs()).hasSize(1);
        assertThat(page.getMySignOffs()).singleElement().satisfies(gate -> {
            assertThat(gate.getRollout().getRun()).isSameAs(build.run);
            assertThat(gate.getEndpoint()).isEqualTo(ENDPOINT);
            assertThat(gate.getBuild()).isEqualTo(build.run.getFullDisplayName());
            assertThat(gate.getUrl()).isEqualTo(build.run.getUrl() + "ml-rollout-" + ENDPOINT + "/");
            assertThat(gate.getPurpose()).isEqualTo("stage 2/3 (25%)");
            assertThat(gate.getSummary()).startsWith("0 of 2 approval(s)");
            assertThat(gate.isCanSign()).isTrue();
        });
    }

    @Test
    void whoStartedItSeesItPendingButNotAmongTheirSignOffs() {
        signedInAs("mallory", true);

        assertThat(page.getPendingSignOffs()).hasSize(1);
        assertThat(page.getMySignOffs()).isEmpty();
    }

    @Test
    void aUserWhoMayNotReadTheJobSeesTheEndpointBusyButNotTheRolloutNorItsSignOff() {
        signedInAs("alice", false);

        assertThat(page.getEndpoints()).singleElement().satisfies(row -> {
            assertThat(row.isBusy()).isTrue();
            assertThat(row.getRollout()).isNull();
            assertThat(row.getSince())
                    .as("when the hidden build took the endpoint")
                    .isNull();
        });
        assertThat(page.getPendingSignOffs()).isEmpty();
        assertThat(page.getMySignOffs()).isEmpty();
    }

    @Test
    void anEndedRolloutIsARecentOutcomeWithItsTimeToDecisionForReadersOnly() throws Exception {
        signedInAs("bob", true);
        build.action(ENDPOINT).doReject("score drift");
        fixture.runUntilEnded(canary);

        assertThat(page.getEndpoints()).singleElement().satisfies(row -> {
            assertThat(row.isBusy()).isFalse();
            assertThat(row.getSince()).as("left out of the API").isNull();
            assertThat(row.getUrl()).isNull();
        });
        assertThat(page.getRecent()).singleElement().satisfies(row -> {
            assertThat(row.getRun()).isSameAs(build.run);
            assertThat(row.getUrl()).isEqualTo(build.run.getUrl());
            assertThat(row.getEndpoint()).isEqualTo(ENDPOINT);
            assertThat(row.getOutcome()).isEqualTo("ROLLED_BACK");
            assertThat(row.getTimeToDecision()).isEqualTo("21m");
        });

        signedInAs("bob", false);
        assertThat(page.getRecent()).isEmpty();
    }

    @Test
    void withoutOverallReadThePageHasNoLink() {
        signedInAs("alice", true);
        when(fixture.jenkins.hasPermission(Jenkins.READ)).thenReturn(false);

        assertThat(page.getIconFileName()).isNull();
    }
}

package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/** Only the jobs an endpoint allows, running as someone who may build them, can drive it, with any of the steps. */
class EndpointAccessTest {

    @TempDir
    Path home;

    private StepFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aCanaryOfAJobTheEndpointDoesNotAllowIsRefusedBeforeAnythingMoves() {
        FakeBuild build = fixture.build("other-pipeline", 3, "mallory");

        assertThatThrownBy(() -> new MlCanaryStep(THREE_STAGES, "v2")
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessage("mlCanary: job 'other-pipeline' may not use endpoint 'fraud-scorer': it is not in the"
                        + " endpoint's allowed jobs (fraud-deploy, fraud-smoke-tests). An administrator can add it in"
                        + " Manage Jenkins → System → ML Rollout. Nothing was moved.");
        assertThat(fixture.connectors.credentials)
                .as("no credential was looked up")
                .isEmpty();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
        assertThat(build.actions).isEmpty();
    }

    @Test
    void aRollbackFromAJobTheEndpointDoesNotAllowCannotStopAnotherJobsRollout() throws Exception {
        FakeBuild deploy = fixture.build("fraud-deploy", 1, "dave");
        started(new MlCanaryStep(THREE_STAGES, "v2").start(deploy.newContext()));
        fixture.runFor(Duration.ofMinutes(12));
        FakeBuild other = fixture.build("other-pipeline", 3, "mallory");

        assertThatThrownBy(() -> new MlRollbackStep(ENDPOINT, "because")
                        .start(other.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("mlRollback: job 'other-pipeline' may not use endpoint 'fraud-scorer'");
        fixture.runFor(Duration.ofSeconds(1));
        assertThat(deploy.action(ENDPOINT).state().phase()).isEqualTo(Phase.BAKING);
        assertThat(fixture.serving.weight).isEqualTo(25);
    }

    @Test
    void aPromotionIsRefusedOnceTheJobIsNoLongerAllowed() throws Exception {
        FakeBuild deploy = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = deploy.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runUntilEnded(canary);
        fixture.endpoint.setAllowedJobs("fraud-smoke-tests");

        assertThatThrownBy(() ->
                        new MlPromoteStep(ENDPOINT).start(deploy.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("mlPromote: job 'fraud-deploy' may not use endpoint 'fraud-scorer'");
        assertThat(fixture.serving.weight).isEqualTo(50);
    }

    @Test
    void aBuildRunningAsSomeoneWhoMayNotBuildTheJobIsRefusedAndNamed() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        build.mayBuild = false;
        fixture.jenkinsStatic
                .when(jenkins.model.Jenkins::getAuthentication2)
                .thenReturn(new UsernamePasswordAuthenticationToken("intern", "n/a", List.of()));

        assertThatThrownBy(() -> new MlCanaryStep(THREE_STAGES, "v2")
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessage("mlCanary: job 'fraud-deploy' may not use endpoint 'fraud-scorer': the build runs as"
                        + " 'intern', who may not build the job. Nothing was moved.");
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void aFolderAllowsEveryJobInsideItAndNoJobWhoseNameMerelyStartsTheSame() {
        ModelEndpoint endpoint = new ModelEndpoint("churn");
        endpoint.setAllowedJobs("fraud\nml/deploy");

        assertThat(endpoint.allowsJob("fraud/deploy")).isTrue();
        assertThat(endpoint.allowsJob("fraud/nightly/retrain")).isTrue();
        assertThat(endpoint.allowsJob("fraud")).isTrue();
        assertThat(endpoint.allowsJob("fraud-deploy")).isFalse();
        assertThat(endpoint.allowsJob("ml/deploy")).isTrue();
        assertThat(endpoint.allowsJob("ml/deploy-2")).isFalse();
        assertThat(endpoint.allowsJob("ml")).isFalse();
        assertThat(new ModelEndpoint("empty").allowsJob("fraud"))
                .as("none by default")
                .isFalse();
    }

    @Test
    void anAllowListEntryThatCannotBeAFullNameIsRefusedNamingTheField() {
        ModelEndpoint endpoint = new ModelEndpoint("churn");
        assertThatThrownBy(() -> endpoint.setAllowedJobs("fraud, /ml/deploy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("allowedJobs: '/ml/deploy' is not a full name");
    }
}

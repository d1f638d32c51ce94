package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import hudson.model.Cause;
import hudson.model.Failure;
import hudson.security.ACL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * The self-approval rule for a build that another build started: Jenkins records the person who pressed Build on the
 * upstream job ("originally caused by"), and that person started the rollout as much as if they had started this job.
 */
class UpstreamStarterTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<ACL> aclStatic;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        aclStatic = mockStatic(ACL.class);
    }

    @AfterEach
    void tearDown() {
        aclStatic.close();
        fixture.close();
    }

    @Test
    void whoStartedTheUpstreamBuildThatStartedThisOneMayNotApproveItsRollout() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, null);
        build.causes.add(upstream(upstream(new Cause.UserIdCause("dave"))));
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(GATED, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(21));
        RolloutAction page = build.action(ENDPOINT);
        assertThat(page.isGateOpen()).isTrue();

        signedInAs("dave");

        assertThat(page.getStartedBy()).isEqualTo("dave");
        assertThat(page.isCanApprove()).isFalse();
        assertThatThrownBy(() -> page.doApprove("looks good to me"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("dave started this rollout and may not approve it");
        assertThat(page.state().gate().approvals()).isZero();
    }

    @Test
    void aBuildThatNoPersonStartedUpstreamEitherHasNoStarter() {
        FakeBuild build = fixture.build("fraud-deploy", 1, null);
        build.causes.add(upstream(mock(Cause.class)));

        assertThat(People.startedBy(build.run)).isNull();
    }

    /** An upstream build's cause, as Jenkins records it: the causes of that build. */
    private static Cause.UpstreamCause upstream(Cause... causesOfTheUpstreamBuild) {
        Cause.UpstreamCause upstream = mock(Cause.UpstreamCause.class);
        when(upstream.getUpstreamCauses()).thenReturn(List.of(causesOfTheUpstreamBuild));
        return upstream;
    }

    private void signedInAs(String user) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(user, "n/a", List.of());
        fixture.jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(fixture.jenkins.hasPermission2(authentication, Jenkins.ADMINISTER)).thenReturn(false);
    }
}

package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import hudson.AbortException;
import hudson.model.Failure;
import hudson.security.ACL;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Sign-offs by role on the build page: the endpoint's responsibility matrix as an administrator configures it, a
 * policy requiring one approval from risk and one from platform, the page and its API saying which roles are missing.
 * Jenkins is mocked at its static seams, as in {@link SignOffTest}.
 */
class RoleSignOffTest {

    static final String BY_ROLE = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
            signOff: {roles: {risk: 1}, expires: 2h}
            promote: {bake: 10m}
            """;

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<ACL> aclStatic;
    private MockedStatic<HttpResponses> responses;
    private FakeBuild build;
    private FakeStepContext canary;
    private RolloutAction page;

    /** platform is required at every gate by the endpoint; risk by the policy above. */
    static void configureRoles(ModelEndpoint endpoint) {
        EndpointRole platform = new EndpointRole("platform");
        platform.setMembers("platform-team");
        platform.setEscalation("oncall@example.com");
        platform.setMinimumQuorum(1);
        EndpointRole risk = new EndpointRole("risk");
        risk.setMembers("carol, ml-risk");
        EndpointRole owner = new EndpointRole("model-owner");
        owner.setMembers("alice");
        endpoint.setRoles(List.of(owner, platform, risk));
    }

    @BeforeEach
    void startARolloutAndWaitAtTheGate() throws Exception {
        fixture = new StepFixture(home);
        configureRoles(fixture.endpoint);
        aclStatic = mockStatic(ACL.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));

        build = fixture.build("fraud-deploy", 1, "dave");
        canary = build.newContext();
        started(new MlCanaryStep(BY_ROLE, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(21));
        page = build.action(ENDPOINT);
        assertThat(page.isGateOpen()).isTrue();
    }

    @AfterEach
    void tearDown() {
        responses.close();
        aclStatic.close();
        fixture.close();
    }

    private void signedInAs(String user, String... groups) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(
                user,
                "n/a",
                Arrays.stream(groups).map(SimpleGrantedAuthority::new).toList());
        fixture.jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(fixture.jenkins.hasPermission2(authentication, Jenkins.ADMINISTER)).thenReturn(false);
    }

    @Test
    void thePageAndItsApiSayWhichRolesAreStillNeededUntilEachHasSigned() throws Exception {
        assertThat(build.log())
                .contains("SIGN-OFF NEEDED for stage 2/3 (25%): 2 approval(s); by role: platform 1 of"
                        + " (platform-team), risk 1 of (carol, ml-risk); one role per approver");
        assertThat(page.getGateSummary())
                .startsWith("0 of 2 approval(s); waiting for: platform 0/1, risk 0/1 (platform: platform-team; risk:"
                        + " carol, ml-risk); open until");

        signedInAs("erin", "platform-team");
        assertThat(page.isCanSign()).isTrue();
        page.doApprove("capacity fine");

        RolloutApi.SignOff api = page.getSignOff();
        assertThat(api.getWaitingFor()).isEqualTo("waiting for: platform 1/1, risk 0/1");
        assertThat(api.getRoles())
                .extracting(RolloutApi.RoleView::getName, RolloutApi.RoleView::getSignedBy, RolloutApi.RoleView::isMet)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("platform", List.of("erin"), true),
                        org.assertj.core.groups.Tuple.tuple("risk", List.of(), false));
        assertThat(api.getSignatures())
                .singleElement()
                .satisfies(s -> assertThat(s.getRoles()).containsExactly("platform"));
        assertThat(page.getSignatures()).singleElement().asString().startsWith("erin (platform) approve at ");

        signedInAs("carol");
        page.doApprove("model card reviewed");
        fixture.runUntilEnded(canary);

        assertThat(canary.result()).isPresent();
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
        assertThat(build.log())
                .contains("approve by erin (1 of 2; waiting for: platform 1/1, risk 0/1)")
                .contains("settled: approved by erin, carol (quorum 2; platform: erin; risk: carol)");
    }

    @Test
    void aRoleTheGateDoesNotNeedGivesNoRightToSign() {
        signedInAs("alice"); // model-owner: a role of the endpoint, not required here

        assertThat(page.isCanSign()).isFalse();
        assertThatThrownBy(() -> page.doApprove("I own the model"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining(
                        "alice is not one of the approvers (platform: platform-team; risk: carol, ml-risk)");
        assertThat(page.state().phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
    }

    @Test
    void aPolicyNamingARoleTheEndpointLacksIsRefusedBeforeAnyTrafficMoves() throws Exception {
        FakeBuild other = fixture.build("fraud-smoke-tests", 2, "dave");
        int shiftsBefore = fixture.serving.shifts.size();

        assertThatThrownBy(() -> new MlCanaryStep(BY_ROLE.replace("roles: {risk: 1}", "roles: {rsk: 1}"), "v3")
                        .start(other.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("nothing was moved")
                .hasMessageContaining("signOff.roles.rsk: 'rsk' is not a role of this endpoint; did you mean risk?");
        assertThat(fixture.serving.shifts).hasSize(shiftsBefore);
    }
}

package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.AbortException;
import hudson.model.Failure;
import hudson.model.Item;
import hudson.security.ACL;
import io.mlrollout.core.rollout.Phase;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
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
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.mockito.MockedStatic;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The sign-off panel's web methods on a rollout waiting at its stage-2 gate: who may sign, how often, with what effect.
 * Jenkins is mocked at its static seams: the current authentication, the administrator check, and the redirect.
 */
class SignOffTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private Jenkins jenkins;
    private final HttpResponse redirect = mock(HttpResponse.class);
    private MockedStatic<Jenkins> jenkinsStatic;
    private MockedStatic<ACL> aclStatic;
    private MockedStatic<HttpResponses> responses;
    private FakeBuild build;
    private FakeStepContext canary;
    private RolloutAction page;

    @BeforeEach
    void startARolloutAndWaitAtTheGate() throws Exception {
        fixture = new StepFixture(home);
        jenkinsStatic = fixture.jenkinsStatic;
        jenkins = fixture.jenkins;
        aclStatic = mockStatic(ACL.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(redirect);

        build = fixture.build("fraud-deploy", 1, "dave");
        canary = build.newContext();
        started(new MlCanaryStep(GATED, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(21));
        page = build.action(ENDPOINT);
        assertThat(page.isGateOpen()).isTrue();
    }

    @AfterEach
    void tearDown() {
        responses.close();
        aclStatic.close();
        jenkinsStatic.close();
        fixture.close();
    }

    private void signedInAs(String user, boolean administrator, String... groups) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(
                user,
                "n/a",
                Arrays.stream(groups).map(SimpleGrantedAuthority::new).toList());
        jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(jenkins.hasPermission2(authentication, Jenkins.ADMINISTER)).thenReturn(administrator);
    }

    @Test
    void theConsoleLinksToTheSignOffPageWhenTheGateOpens() {
        assertThat(build.log())
                .contains("[ml-rollout] SIGN-OFF NEEDED for stage 2/3 (25%): 2 approval(s)")
                .contains(
                        "<a href='/job/fraud-deploy/1/ml-rollout-fraud-scorer/'>Approve or reject: stage 2/3 (25%)</a>");
    }

    @Test
    void withACaseSensitiveRealmAUserWhoseIdDiffersInCaseIsNotTheApprover() throws Exception {
        fixture.caseSensitiveIds = true; // as the input step does, the realm's IdStrategy decides

        signedInAs("Alice", false);
        assertThat(page.isCanSign()).isFalse();
        assertThatThrownBy(() -> page.doApprove("looks fine"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("Alice");
        assertThat(page.getSignatures()).isEmpty();

        signedInAs("alice", false);
        assertThat(page.isCanSign()).isTrue();
    }

    @Test
    void twoApprovalsOpenTheGateAndTheRolloutCarriesOn() throws Exception {
        signedInAs("alice", false);
        assertThat(page.isCanSign()).isTrue();
        assertThat(page.doApprove("error rate flat")).isNotNull();
        assertThat(page.getSignatures()).singleElement().asString().startsWith("alice approve at ");
        assertThat(page.getGateSummary()).startsWith("1 of 2 approval(s) from alice, bob, ml-risk, dave; open until");

        signedInAs("carol", false, "ml-risk");
        page.doApprove("risk review done");
        fixture.runUntilEnded(canary);

        assertThat(canary.result()).isPresent();
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
        assertThat(build.log())
                .contains("[ml-rollout] approve by alice (1 of 2): \"error rate flat\"")
                .contains("[ml-rollout] approve by carol (2 of 2): \"risk review done\"")
                .contains("settled: approved by alice, carol (quorum 2)");
    }

    @Test
    void aRejectionRollsBackAndFailsTheStepWithTheRejectersReason() throws Exception {
        signedInAs("bob", false);
        page.doReject("score drift on the fraud segment");
        fixture.runUntilEnded(canary);

        assertThat(fixture.serving.weight).isZero();
        assertThat(canary.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("was rolled back: rejected by bob: score drift on the fraud segment");
    }

    @Test
    void whoStartedTheBuildMayNotApproveItAndIsToldWhy() throws Exception {
        signedInAs("dave", false);

        // The page offers dave Reject only: Approve would be refused.
        assertThat(page.isCanSign()).isTrue();
        assertThat(page.isCanApprove()).isFalse();
        assertThatThrownBy(() -> page.doApprove("looks good to me"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("dave started this rollout and may not approve it");
        assertThat(page.state().gate().approvals()).isZero();
        assertThat(build.log()).contains("[ml-rollout] approve by dave refused");
    }

    @Test
    void anAdministratorWhoStartedTheBuildSeesNoOverrideSinceTheGateWouldRefuseIt() throws Exception {
        signedInAs("dave", true);

        assertThat(page.isCanOverride()).isFalse();
        assertThatThrownBy(() -> page.doOverride("my own release"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("dave started this rollout and may not override its sign-off");
        assertThat(page.state().phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
    }

    @Test
    void someoneWhoIsNotAnApproverIsRefusedAndSeesNoButtons() {
        signedInAs("mallory", false);

        assertThat(page.isCanSign()).isFalse();
        assertThat(page.isCanApprove()).isFalse();
        assertThat(page.isCanOverride()).isFalse();
        assertThatThrownBy(() -> page.doApprove("ship it"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("mallory is not one of the approvers");
        assertThatThrownBy(() -> page.doReject("no"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("mallory is not one of the approvers");
        assertThat(page.state().phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
    }

    @Test
    void someoneWhoMayNotReadTheJobIsRefusedBeforeAnythingElse() {
        signedInAs("alice", false);
        doThrow(new AccessDeniedException("alice is missing the Job/Read permission"))
                .when(build.job)
                .checkPermission(Item.READ);

        assertThatThrownBy(() -> page.doApprove("ok")).isInstanceOf(AccessDeniedException.class);
        assertThat(page.state().gate().signatures()).isEmpty();
        assertThat(build.log()).doesNotContain("approve by alice");
    }

    @Test
    void nobodyCanSignWithoutLoggingIn() {
        Authentication anonymous = new UsernamePasswordAuthenticationToken("anonymous", "n/a", List.of());
        jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(anonymous);
        aclStatic.when(() -> ACL.isAnonymous2(anonymous)).thenReturn(true);

        assertThat(page.isCanSign()).isFalse();
        assertThatThrownBy(() -> page.doApprove("ok"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("log in");
    }

    @Test
    void eachPersonSignsOnce() throws Exception {
        signedInAs("alice", false);
        assertThat(page.isCanApprove()).isTrue();
        page.doApprove("ok");

        assertThat(page.isCanSign()).isFalse();
        assertThatThrownBy(() -> page.doApprove("really ok"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("alice already signed");
        assertThat(page.state().gate().approvals()).isEqualTo(1);
    }

    @Test
    void anOverrideNeedsAnAdministratorAndIsRecordedAsAnOverride() throws Exception {
        signedInAs("alice", false);
        assertThat(page.isCanOverride()).isFalse();
        assertThatThrownBy(() -> page.doOverride("incident 4711"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("only an administrator may override");

        signedInAs("root", true);
        assertThat(page.isCanOverride()).isTrue();
        page.doOverride("incident 4711: ship the fix now");
        fixture.runUntilEnded(canary);

        assertThat(canary.result()).isPresent();
        assertThat(build.log())
                .contains("[ml-rollout] override by root")
                .contains("settled: overridden by root: incident 4711: ship the fix now");
    }

    @Test
    void anAdministratorWhoApprovedSeesNoOverrideSinceTheGateWouldRefuseIt() throws Exception {
        signedInAs("alice", true); // an approver with Overall/Administer
        page.doApprove("error rate flat");

        assertThat(page.isCanOverride())
                .as("each person signs once: the gate refuses a second signature")
                .isFalse();
        assertThat(page.getSignOff().isCanOverride())
                .as("the REST API's canOverride")
                .isFalse();
        assertThatThrownBy(() -> page.doOverride("incident 4711"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("alice already signed");
    }

    @Test
    void aSettledGateTakesNoMoreSignatures() throws Exception {
        signedInAs("bob", false);
        page.doReject("no");
        signedInAs("alice", false);

        assertThatThrownBy(() -> page.doApprove("yes")).isInstanceOf(Failure.class);
        fixture.runUntilEnded(canary);
        assertThat(fixture.serving.weight).isZero();
    }

    /** Every web method of the page but the three downloads changes the rollout, so a GET must not reach it. */
    @Test
    void everyStateChangingWebMethodIsPostOnly() {
        List<String> downloads = List.of("doEvidence", "doEvidencePack", "doReport");
        List<Method> webMethods = Arrays.stream(RolloutAction.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getName().matches("do[A-Z].*"))
                .toList();
        assertThat(webMethods).extracting(Method::getName).containsAll(downloads);
        List<Method> changing = webMethods.stream()
                .filter(m -> !downloads.contains(m.getName()))
                .toList();
        assertThat(changing)
                .extracting(Method::getName)
                .containsExactlyInAnyOrder("doApprove", "doReject", "doOverride", "doOpenWindow");
        assertThat(changing)
                .allSatisfy(m -> assertThat(m.isAnnotationPresent(RequirePOST.class))
                        .as(m.getName())
                        .isTrue());
    }

    @Test
    void theReportIsServedWithARestrictiveContentSecurityPolicy() throws Exception {
        StaplerResponse2 response = mock(StaplerResponse2.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        when(response.getOutputStream()).thenReturn(captured(body));

        page.doReport(mock(StaplerRequest2.class), response);

        verify(response).setHeader(eq("Content-Security-Policy"), any());
        verify(response)
                .setHeader(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
                                + " form-action 'none'; frame-ancestors 'self'; sandbox");
        verify(build.job).checkPermission(Item.READ);
        assertThat(body.toString(StandardCharsets.UTF_8))
                .startsWith("<!DOCTYPE html>")
                .contains("awaiting sign-off");
    }

    @Test
    void theEvidenceFileIsServedAsPlainText() throws Exception {
        StaplerResponse2 response = mock(StaplerResponse2.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        when(response.getOutputStream()).thenReturn(captured(body));

        page.doEvidence(mock(StaplerRequest2.class), response);

        verify(response).setContentType("text/plain;charset=UTF-8");
        assertThat(body.toString(StandardCharsets.UTF_8).lines().findFirst())
                .hasValueSatisfying(line -> assertThat(line).startsWith("{\"seq\":1,"));
    }

    @Test
    void thePageShowsTheStatusTheEvidenceCheckAndTheReport() throws Exception {
        assertThat(page.getStatus()).startsWith("awaiting sign-off for stage 2/3 (25%)");
        assertThat(page.getEvidenceSummary()).matches("\\d+ lines, head [0-9a-f]{64}, not sealed");
        assertThat(page.getReportFragment())
                .startsWith("<div class=\"ml-rollout-report\">")
                .doesNotContain("<html");
        assertThat(page.getUrlName()).isEqualTo("ml-rollout-fraud-scorer");
    }

    @Test
    void aSignatureWhenNoGateIsOpenIsRefused() throws Exception {
        signedInAs("alice", false);
        page.doApprove("ok");
        signedInAs("bob", false);
        page.doApprove("ok");
        fixture.runUntilEnded(canary);
        signedInAs("carol", false, "ml-risk");

        assertThatThrownBy(() -> page.doApprove("late"))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("no sign-off is open");
        assertThat(canary.endings()).isEqualTo(1);
    }

    @Test
    void aRefusalIsNotAnAbortOfTheStep() {
        signedInAs("mallory", false);
        assertThatThrownBy(() -> page.doApprove("x")).isNotInstanceOf(AbortException.class);
        assertThat(canary.ended()).isFalse();
    }

    private static ServletOutputStream captured(ByteArrayOutputStream into) {
        return new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {}

            @Override
            public void write(int b) {
                into.write(b);
            }
        };
    }
}

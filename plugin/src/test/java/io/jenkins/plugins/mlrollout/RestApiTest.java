package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import hudson.security.ACL;
import io.mlrollout.core.json.Json;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The rollout as a machine sees it: what {@code api/json} exports, and how approve, reject and override answer a client
 * that does not ask for HTML (status code and JSON), through the web methods' real signatures.
 */
class RestApiTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<ACL> aclStatic;
    private MockedStatic<HttpResponses> responses;
    private final HttpResponse redirect = mock(HttpResponse.class);
    private FakeBuild build;
    private FakeStepContext canary;
    private RolloutAction page;

    @BeforeEach
    void startARolloutAndWaitAtTheGate() throws Exception {
        fixture = new StepFixture(home);
        aclStatic = mockStatic(ACL.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(redirect);
        build = fixture.build("fraud-deploy", 1, "dave");
        canary = build.newContext();
        started(new MlCanaryStep(GATED, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(21));
        page = build.action(ENDPOINT);
    }

    @AfterEach
    void tearDown() {
        responses.close();
        aclStatic.close();
        fixture.close();
    }

    private void signedInAs(String user, boolean administrator, String... groups) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(
                user,
                "n/a",
                Arrays.stream(groups).map(SimpleGrantedAuthority::new).toList());
        fixture.jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(fixture.jenkins.hasPermission2(authentication, Jenkins.ADMINISTER)).thenReturn(administrator);
    }

    @Test
    void theExportShowsPhaseStageWeightsVerdictsAndTheOpenSignOffWithWhoMaySign() {
        signedInAs("alice", false);

        assertThat(page.getPhase()).isEqualTo("AWAITING_SIGNOFF");
        assertThat(page.getStage()).isEqualTo(2);
        assertThat(page.getStageCount()).isEqualTo(3);
        assertThat(page.getStageWeights()).containsExactly(5, 25, 50);
        assertThat(page.getCanaryWeight()).isEqualTo(25);
        assertThat(page.getCandidate()).isEqualTo("v2");
        assertThat(page.getStartedBy()).isEqualTo("dave");
        assertThat(page.getVerdicts()).hasSize(2).first().satisfies(v -> {
            assertThat(v.getStage()).isEqualTo(1);
            assertThat(v.getWeight()).isEqualTo(5);
            assertThat(v.getVerdict()).isEqualTo("PASS");
            assertThat(v.getReasons()).isNotEmpty();
        });
        RolloutApi.SignOff signOff = page.getSignOff();
        assertThat(signOff).isNotNull();
        assertThat(signOff.isOpen()).isTrue();
        assertThat(signOff.getApprovers()).containsExactly("alice", "bob", "ml-risk", "dave");
        assertThat(signOff.getQuorum()).isEqualTo(2);
        assertThat(signOff.getApprovals()).isZero();
        assertThat(signOff.isCanSign()).isTrue();
        assertThat(signOff.isCanOverride()).isFalse();
        assertThat(signOff.getUrl()).isEqualTo("job/fraud-deploy/1/ml-rollout-fraud-scorer/");
        assertThat(signOff.getOutcome()).isNull();
        assertThat(page.getEvidence()).isNotNull().satisfies(e -> {
            assertThat(e.getLines()).isPositive();
            assertThat(e.getHead()).matches("[0-9a-f]{64}");
            assertThat(e.isSealed()).isFalse();
        });

        assertThat(page.getTemplate())
                .as("a policy given in full names no template")
                .isNull();
        assertThat(page.getTemplateSummary()).isEmpty();

        signedInAs("mallory", false);
        assertThat(page.getSignOff().isCanSign()).isFalse();
    }

    @Test
    void signaturesAreExportedWithWhoWhenCommentAndRoleAndTheSettlement() throws Exception {
        signedInAs("alice", false);
        page.doApprove("error rate flat");
        signedInAs("root", true);
        page.doOverride("incident 4711");

        RolloutApi.SignOff signOff = page.getSignOff();
        assertThat(signOff.getSignatures())
                .extracting(
                        RolloutApi.SignatureView::getUser,
                        RolloutApi.SignatureView::getDecision,
                        RolloutApi.SignatureView::getRole,
                        RolloutApi.SignatureView::getComment)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alice", "approve", "approver", "error rate flat"),
                        org.assertj.core.groups.Tuple.tuple("root", "override", "administrator", "incident 4711"));
        assertThat(signOff.getSignatures().get(0).getAt()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(signOff.getOutcome()).isEqualTo("OVERRIDDEN");
        assertThat(signOff.getSettlement()).isEqualTo("overridden by root: incident 4711");
        assertThat(signOff.isOpen()).isFalse();
        assertThat(signOff.isCanSign()).isFalse();
    }

    @Test
    void anApprovalByCurlIsAnsweredWithJsonAndStatus200() throws Exception {
        signedInAs("alice", false);

        Answer answer = answer(() -> page.doApprove("error rate flat"), "*/*");

        assertThat(answer.status).isEqualTo(200);
        assertThat(answer.json.get("accepted").asBoolean()).isTrue();
        assertThat(answer.json.get("decision").asText()).isEqualTo("approve");
        assertThat(answer.json.get("phase").asText()).isEqualTo("AWAITING_SIGNOFF");
        assertThat(answer.json.get("status").asText()).contains("1 of 2");
        assertThat(page.state().gate().approvals()).isEqualTo(1);
    }

    @Test
    void aBrowserStillGetsThePageAgain() throws Exception {
        signedInAs("alice", false);
        StaplerRequest2 request = request("text/html,application/xhtml+xml");
        StaplerResponse2 response = mock(StaplerResponse2.class);

        page.doApprove("error rate flat").generateResponse(request, response, page);

        verify(redirect).generateResponse(request, response, page);
        verify(response, never()).setStatus(200);
    }

    @Test
    void separationOfDutyIsRefusedWith403AndTheReason() throws Exception {
        signedInAs("dave", false);

        Answer answer = answer(() -> page.doApprove("looks good to me"), null);

        assertThat(answer.status).isEqualTo(403);
        assertThat(answer.json.get("accepted").asBoolean()).isFalse();
        assertThat(answer.json.get("reason").asText()).contains("dave started this rollout and may not approve it");
        assertThat(page.state().gate().approvals()).isZero();
    }

    @Test
    void aRefusalOfAnAnswerThroughTheSignOffInputIs400WithTheReasonAsMessageForPipelineGraphViewsDialog()
            throws Exception {
        signedInAs("dave", false);

        Answer answer = answer(
                () -> {
                    try {
                        return page.doApprove("looks good to me");
                    } catch (SignOffAnswer.Refusal refusal) {
                        throw refusal.asInputAnswer();
                    }
                },
                "*/*");

        assertThat(answer.status).isEqualTo(400);
        assertThat(answer.json.get("message").asText()).contains("dave started this rollout and may not approve it");
        assertThat(answer.json.get("reason").asText())
                .isEqualTo(answer.json.get("message").asText());
        assertThat(answer.json.get("accepted").asBoolean()).isFalse();
    }

    @Test
    void aSecondSignatureAndANonAdministratorOverrideAreRefusedWith403() throws Exception {
        signedInAs("alice", false);
        page.doApprove("ok");

        assertThat(answer(() -> page.doApprove("again"), "application/json").status)
                .isEqualTo(403);
        signedInAs("bob", false);
        assertThat(answer(() -> page.doOverride("now"), "application/json")
                        .json
                        .get("reason")
                        .asText())
                .contains("only an administrator may override");
    }

    @Test
    void aSettledGateAnswers409() throws Exception {
        signedInAs("bob", false);
        page.doReject("score drift");
        fixture.runUntilEnded(canary);
        signedInAs("alice", false);

        Answer answer = answer(() -> page.doApprove("too late"), "application/json");

        assertThat(answer.status).isEqualTo(409);
        assertThat(answer.json.get("reason").asText()).contains("no sign-off is open");
    }

    @Test
    void aRolloutNotYetResumedAfterARestartAnswers503WithRetryAfter() throws Exception {
        RolloutAction reloaded = Restart.reloaded(page);
        fixture.restart();
        reloaded.onLoad(build.run);
        signedInAs("alice", false);

        Answer answer = answer(() -> reloaded.doApprove("ok"), "application/json");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.headers).containsEntry("Retry-After", "10");
        assertThat(answer.json.get("reason").asText()).contains("not under way in this controller");
    }

    @Test
    void nobodyLoggedInAnswers401() throws Exception {
        Authentication anonymous = new UsernamePasswordAuthenticationToken("anonymous", "n/a", List.of());
        fixture.jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(anonymous);
        aclStatic.when(() -> ACL.isAnonymous2(anonymous)).thenReturn(true);

        Answer answer = answer(() -> page.doApprove("ok"), null);

        assertThat(answer.status).isEqualTo(401);
        assertThat(answer.json.get("reason").asText()).contains("log in");
    }

    /**
     * Every property the remote API writes is a public getter of an exported bean, of a type Stapler writes: text, a
     * number, a truth value, a list of those, or another exported bean.
     */
    @Test
    void everyExportedPropertyHasATypeTheRemoteApiCanWrite() {
        List<Class<?>> beans = List.of(
                RolloutAction.class,
                RolloutApi.StageVerdict.class,
                RolloutApi.SignOff.class,
                RolloutApi.SignatureView.class,
                RolloutApi.Evidence.class,
                RolloutApi.Template.class,
                RolloutsPage.class,
                RolloutsPage.EndpointRow.class,
                RolloutsPage.GateRow.class,
                RolloutsPage.RecentRow.class);
        for (Class<?> bean : beans) {
            assertThat(bean.isAnnotationPresent(ExportedBean.class))
                    .as(bean.getName())
                    .isTrue();
            assertThat(Modifier.isPublic(bean.getModifiers()))
                    .as(bean.getName())
                    .isTrue();
            List<Method> exported = Arrays.stream(bean.getDeclaredMethods())
                    .filter(m -> m.isAnnotationPresent(Exported.class))
                    .toList();
            assertThat(exported).as(bean.getName()).isNotEmpty();
            for (Method m : exported) {
                assertThat(Modifier.isPublic(m.getModifiers())).as(m.toString()).isTrue();
                assertThat(m.getParameterCount()).as(m.toString()).isZero();
                assertThat(m.getName()).as(m.toString()).matches("(get|is)[A-Z].*");
                assertThat(writable(m.getGenericReturnType())).as(m.toString()).isTrue();
            }
        }
    }

    private static boolean writable(Type type) {
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            return writable(list.getActualTypeArguments()[0]);
        }
        if (!(type instanceof Class<?> c)) {
            return false;
        }
        return c.isPrimitive()
                || c == String.class
                || c == Integer.class
                || c == Long.class
                || c == Double.class
                || c == Boolean.class
                || c.isAnnotationPresent(ExportedBean.class);
    }

    private record Answer(int status, Map<String, String> headers, JsonNode json) {}

    /** Calls the web method as Stapler does, then renders what it returned or threw, as a client with {@code accept}. */
    private static Answer answer(Callable<HttpResponse> webMethod, String accept) throws Exception {
        HttpResponse returned;
        try {
            returned = webMethod.call();
        } catch (SignOffAnswer.Refusal refusal) {
            returned = refusal;
        }
        StaplerResponse2 response = mock(StaplerResponse2.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        when(response.getOutputStream()).thenReturn(captured(body));
        int[] status = {0};
        org.mockito.Mockito.doAnswer(i -> status[0] = i.getArgument(0))
                .when(response)
                .setStatus(org.mockito.ArgumentMatchers.anyInt());

        Map<String, String> headers = new HashMap<>();
        org.mockito.Mockito.doAnswer(i -> headers.put(i.getArgument(0), i.getArgument(1)))
                .when(response)
                .setHeader(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.anyString());

        returned.generateResponse(request(accept), response, null);

        verify(response).setContentType("application/json;charset=UTF-8");
        return new Answer(status[0], headers, Json.mapper().readTree(body.toByteArray()));
    }

    private static StaplerRequest2 request(String accept) {
        StaplerRequest2 request = mock(StaplerRequest2.class);
        when(request.getHeader("Accept")).thenReturn(accept);
        return request;
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

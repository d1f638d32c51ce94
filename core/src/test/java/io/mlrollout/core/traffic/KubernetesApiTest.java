package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.FakeApiServer.TOKEN;
import static io.mlrollout.core.traffic.FakeApiServer.failure;
import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.traffic.KubernetesApi.Resource;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesApiTest {

    private static final Resource ISVC = new Resource("serving.kserve.io", "v1beta1", "inferenceservices");
    private static final String PATH = "/apis/serving.kserve.io/v1beta1/namespaces/ml/inferenceservices/fraud";

    private final FakeApiServer api = new FakeApiServer();
    private final KubernetesApi client = new KubernetesApi(api.connection());

    KubernetesApiTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void getsTheObjectAtItsRestPathWithTheToken() throws Exception {
        api.answer(200, q("{'metadata':{'name':'fraud'},'spec':{}}"));

        assertThat(client.get(ISVC, "fraud")).isEqualTo(q("{'metadata':{'name':'fraud'},'spec':{}}"));

        RecordedRequest get = api.take();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getTarget()).isEqualTo(PATH);
        assertThat(get.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(get.getHeaders().get("Accept")).isEqualTo("application/json");
    }

    @Test
    void keepsAPathPrefixOfTheApiServerUrl() throws Exception {
        KubernetesConnection behindProxy = new KubernetesConnection(
                URI.create(api.server.url("/k8s/clusters/c-42").toString()),
                Credential.NONE,
                "ml",
                FakeApiServer.SETTINGS);
        api.answer(200, q("{}"));

        new KubernetesApi(behindProxy).get(ISVC, "fraud");

        assertThat(api.take().getTarget()).isEqualTo("/k8s/clusters/c-42" + PATH);
    }

    @ParameterizedTest
    @ValueSource(strings = {KubernetesApi.JSON_PATCH, KubernetesApi.MERGE_PATCH})
    void patchesWithExactlyTheGivenContentType(String contentType) throws Exception {
        api.answer(200, q("{}"));

        client.patch(ISVC, "fraud", contentType, q("{'spec':{'predictor':{'canaryTrafficPercent':10}}}"));

        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getTarget()).isEqualTo(PATH);
        assertThat(patch.getHeaders().get("Content-Type")).isEqualTo(contentType);
        assertThat(body(patch)).isEqualTo(q("{'spec':{'predictor':{'canaryTrafficPercent':10}}}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void anySuccessfulStatusAcceptsAPatch(int code) throws Exception {
        api.answer(code, "");

        client.patch(ISVC, "fraud", KubernetesApi.MERGE_PATCH, q("{}"));

        assertThat(api.requestCount()).isEqualTo(1);
    }

    @Test
    void notFoundWithAnEmptyBodyIsEmptyForFindAndRejectedNamingTheObjectForGetAndPatch() throws Exception {
        api.answer(404, "");
        api.answer(404, "");
        api.status(404, "NotFound", "inferenceservices.serving.kserve.io \\\"fraud\\\" not found");

        assertThat(client.find(ISVC, "fraud")).isEqualTo(Optional.empty());
        assertThat(failure(() -> client.get(ISVC, "fraud"), Kind.REJECTED).getMessage())
                .contains("inferenceservices.serving.kserve.io \"fraud\" in namespace \"ml\" was not found");
        assertThat(failure(() -> client.patch(ISVC, "fraud", KubernetesApi.MERGE_PATCH, q("{}")), Kind.REJECTED)
                        .getMessage())
                .contains("\"fraud\" in namespace \"ml\" was not found");
    }

    @Test
    void unauthorizedAsksToCheckTheCredential() throws Exception {
        api.status(401, "Unauthorized", "Unauthorized");

        assertThat(failure(() -> client.get(ISVC, "fraud"), Kind.REJECTED).getMessage())
                .contains("401")
                .contains("check the credential");
    }

    @Test
    void forbiddenNamesTheRbacThatIsMissing() throws Exception {
        api.status(
                403,
                "Forbidden",
                "inferenceservices.serving.kserve.io \\\"fraud\\\" is forbidden: User \\\"system:serviceaccount:ci:jenkins\\\""
                        + " cannot patch resource");

        assertThat(failure(() -> client.patch(ISVC, "fraud", KubernetesApi.MERGE_PATCH, q("{}")), Kind.REJECTED)
                        .getMessage())
                .contains("403")
                .contains("cannot patch resource")
                .contains("check the credential's RBAC: it needs get and patch on inferenceservices.serving.kserve.io"
                        + " in namespace \"ml\"");
    }

    @Test
    void conflictsAreConflicts() throws Exception {
        api.status(409, "Conflict", "the object has been modified; please apply your changes to the latest version");

        assertThat(failure(() -> client.patch(ISVC, "fraud", KubernetesApi.JSON_PATCH, q("[]")), Kind.CONFLICT)
                        .getMessage())
                .contains("the object has been modified");
    }

    @Test
    void aJsonPatchThatDidNotApplyIsAConflictButAnInvalidResultIsRejected() throws Exception {
        // What the API server answers when a JSON Patch does not apply (a "test" guard failed, a path is gone): its
        // generic 422 (apiserver handlers/patch.go, applyJSPatch), without the patch library's text.
        api.status(422, "Invalid", "the server rejected our request due to an error in our request");
        // The patch library's own text, as some proxies and older servers pass it on.
        api.status(422, "Invalid", "Testing value /spec/http/0/route/0/weight failed: test failed");
        // A patch that applied but left an invalid object.
        api.status(422, "Invalid", "VirtualService fraud is invalid: spec.http[0].route[0].weight: Invalid value: -5");
        api.status(422, "Invalid", "the server rejected our request due to an error in our request");

        assertThat(failure(() -> client.patch(ISVC, "fraud", KubernetesApi.JSON_PATCH, q("[]")), Kind.CONFLICT)
                        .getMessage())
                .contains("the object changed since it was read");
        failure(() -> client.patch(ISVC, "fraud", KubernetesApi.JSON_PATCH, q("[]")), Kind.CONFLICT);
        failure(() -> client.patch(ISVC, "fraud", KubernetesApi.JSON_PATCH, q("[]")), Kind.REJECTED);
        failure(() -> client.patch(ISVC, "fraud", KubernetesApi.MERGE_PATCH, q("{}")), Kind.REJECTED);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 415, 422})
    void otherClientErrorsAreRejectedWithTheServersMessage(int code) throws Exception {
        api.status(code, "BadRequest", "the server rejected our request");

        assertThat(failure(() -> client.patch(ISVC, "fraud", KubernetesApi.JSON_PATCH, q("[]")), Kind.REJECTED)
                        .getMessage())
                .contains(String.valueOf(code))
                .contains("the server rejected our request");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 504, 429})
    void serverErrorsAreTransient(int code) throws Exception {
        api.answer(code, "<html>upstream unavailable</html>");

        assertThat(failure(() -> client.get(ISVC, "fraud"), Kind.TRANSIENT).getMessage())
                .contains(String.valueOf(code))
                .contains("upstream unavailable");
    }

    @Test
    void aSlowApiServerTimesOutAsTransient() throws Exception {
        HttpSettings quick = new HttpSettings(Duration.ofMillis(200), 1, Duration.ofMillis(10));
        api.answerSlowly(q("{}"), Duration.ofSeconds(2));

        assertThat(failure(() -> new KubernetesApi(api.connection(quick)).get(ISVC, "fraud"), Kind.TRANSIENT)
                        .getMessage())
                .contains("no answer within 200 ms");
    }

    @Test
    void anAnswerThatIsNotAJsonObjectIsMalformed() throws Exception {
        api.answer(200, "<html>login page</html>");
        api.answer(200, "[1,2]");

        failure(() -> client.get(ISVC, "fraud"), Kind.MALFORMED);
        failure(() -> client.get(ISVC, "fraud"), Kind.MALFORMED);
    }

    @Test
    void theTokenIsRedactedEvenIfTheServerEchoesIt() throws Exception {
        api.status(403, "Forbidden", "token " + TOKEN + " may not patch");

        assertThat(failure(() -> client.get(ISVC, "fraud"), Kind.REJECTED).getMessage())
                .contains("token (hidden) may not patch");
    }

    @Test
    void aTokenWithALineBreakIsRejectedAsTheCredentialsFault() {
        KubernetesApi withLineBreak = new KubernetesApi(new KubernetesConnection(
                URI.create(api.server.url("/").toString()),
                new Credential.Bearer(TOKEN + "\n"),
                "ml",
                FakeApiServer.SETTINGS));

        assertThat(failure(() -> withLineBreak.get(ISVC, "fraud"), Kind.REJECTED)
                        .getMessage())
                .startsWith("GET inferenceservices.serving.kserve.io \"fraud\" in namespace \"ml\"")
                .contains("check the credential");
        assertThat(api.requestCount()).isZero();
    }

    @Test
    void aTokenEchoedWhereTheQuoteIsCutLeavesNoPartOfItBehind() throws Exception {
        // The Status message is quoted up to 300 characters; the cut falls inside the echoed token.
        api.status(401, "Unauthorized", "y".repeat(285) + " token " + TOKEN);

        String message = failure(() -> client.get(ISVC, "fraud"), Kind.REJECTED).getMessage();

        assertThat(message).as(message).doesNotContain(TOKEN.substring(0, 8));
    }

    @Test
    void trustsOnlyTheGivenCaForHttps() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("test cluster CA")
                .build();
        HeldCertificate serving = new HeldCertificate.Builder()
                .signedBy(ca)
                .addSubjectAlternativeName(api.server.getHostName())
                .build();
        api.server.useHttps(new HandshakeCertificates.Builder()
                .heldCertificate(serving, ca.certificate())
                .build()
                .sslSocketFactory());
        URI https = URI.create(api.server.url("/").toString());
        assertThat(https.getScheme()).isEqualTo("https");
        api.answer(200, q("{'kind':'InferenceService'}"));
        api.answer(200, q("{'kind':'InferenceService'}"));

        KubernetesApi trusting = new KubernetesApi(new KubernetesConnection(
                https, new Credential.Bearer(TOKEN), "ml", FakeApiServer.SETTINGS, Optional.of(ca.certificatePem())));
        KubernetesApi defaultTrust = new KubernetesApi(
                new KubernetesConnection(https, new Credential.Bearer(TOKEN), "ml", FakeApiServer.SETTINGS));

        assertThat(trusting.get(ISVC, "fraud")).isEqualTo(q("{'kind':'InferenceService'}"));
        assertThat(failure(() -> defaultTrust.get(ISVC, "fraud"), Kind.REJECTED).getMessage())
                .contains("certificate is not trusted");
    }

    @Test
    void refusesABadCaCertificateNamingTheField() {
        assertThatThrownBy(() -> new KubernetesApi(new KubernetesConnection(
                        URI.create("https://api:6443"),
                        Credential.NONE,
                        "ml",
                        FakeApiServer.SETTINGS,
                        Optional.of("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("caCertificatePem:");
    }

    @Test
    void refusesBadConnectionSettingsNamingTheField() {
        URI server = URI.create("https://api:6443");
        Credential token = new Credential.Bearer(TOKEN);
        assertThatThrownBy(() -> new KubernetesConnection(server, token, "ML_Prod", FakeApiServer.SETTINGS))
                .hasMessageStartingWith("namespace:");
        assertThatThrownBy(() -> new KubernetesConnection(server, token, "", FakeApiServer.SETTINGS))
                .hasMessageStartingWith("namespace:");
        assertThatThrownBy(() -> new KubernetesConnection(
                        URI.create("https://admin:pw@api:6443"), token, "ml", FakeApiServer.SETTINGS))
                .hasMessageStartingWith("apiServer:");
        assertThatThrownBy(() -> KubernetesApi.requireObjectName("../secrets/x", "virtualService"))
                .hasMessageStartingWith("virtualService:");
        assertThatThrownBy(() -> KubernetesApi.requireObjectName("Model", "httpRoute"))
                .hasMessageStartingWith("httpRoute:");
        assertThat(KubernetesApi.requireObjectName("fraud-scorer.v2", "httpRoute"))
                .isEqualTo("fraud-scorer.v2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://10.0.0.1:644300", "https://10.0.0.1:65536", "https://10.0.0.1:0"})
    void refusesAPortNoServerCanHaveNamingTheField(String url) {
        // java.net.URI takes any digits as a port; OkHttp would refuse them only when the router is built.
        Credential token = new Credential.Bearer(TOKEN);
        assertThatThrownBy(() -> new KubernetesConnection(URI.create(url), token, "ml", FakeApiServer.SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("apiServer:")
                .hasMessageContaining("port");
    }

    @Test
    void aConnectionPrintsNeitherTheTokenNorTheCertificate() {
        KubernetesConnection connection = new KubernetesConnection(
                URI.create("https://api:6443"),
                new Credential.Bearer(TOKEN),
                "ml",
                FakeApiServer.SETTINGS,
                Optional.of("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"));

        assertThat(connection.toString())
                .isEqualTo("Kubernetes API https://api:6443, namespace ml, bearer token (hidden), own CA");
    }
}

package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import hudson.util.Secret;
import io.mlrollout.core.http.Credential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.MockedStatic;

/**
 * The endpoint's credentials are looked up against the build and handed to the connectors as core {@code Credential}s;
 * their secrets appear nowhere people or files can see: not in the log, the evidence, the report, the saved state, a
 * status, a result or a failure message.
 */
class SecretsTest {

    private static final String TOKEN = "s3cr3t-router-t0ken";
    private static final String PASSWORD = "pr0metheus-passw0rd";

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<CredentialsProvider> credentials;
    private FakeBuild build;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        WebhookRouterSettings router = new WebhookRouterSettings("http://router.example:8080");
        router.setCredentialsId("router-token");
        fixture.endpoint.setRouter(router);
        fixture.endpoint.setPrometheusCredentialsId("prometheus-login");
        build = fixture.build("fraud-deploy", 1, "dave");

        StringCredentials token = mock(StringCredentials.class);
        Secret tokenSecret = mock(Secret.class);
        when(tokenSecret.getPlainText()).thenReturn(TOKEN);
        when(token.getSecret()).thenReturn(tokenSecret);
        StandardUsernamePasswordCredentials login = mock(StandardUsernamePasswordCredentials.class);
        Secret password = mock(Secret.class);
        when(password.getPlainText()).thenReturn(PASSWORD);
        when(login.getUsername()).thenReturn("grafana");
        when(login.getPassword()).thenReturn(password);

        credentials = mockStatic(CredentialsProvider.class);
        when(token.getId()).thenReturn("router-token");
        when(login.getId()).thenReturn("prometheus-login");
        credentials
                .when(() -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StringCredentials.class, null, ACL.SYSTEM2, List.of()))
                .thenReturn(List.of(token));
        credentials
                .when(() -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StandardUsernamePasswordCredentials.class, null, ACL.SYSTEM2, List.of()))
                .thenReturn(List.of(login));
    }

    @AfterEach
    void tearDown() {
        credentials.close();
        fixture.close();
    }

    @Test
    void theCredentialsAreLookedUpForTheBuildAndReachTheConnectorsAsCoreCredentials() throws Exception {
        FakeStepContext context = build.newContext();
        started(new MlCanaryStep(GATED, "v2").start(context));

        credentials.verify(
                () -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StringCredentials.class, null, ACL.SYSTEM2, List.of()),
                org.mockito.Mockito.atLeastOnce());
        credentials.verify(() -> CredentialsProvider.track(any(), any()), org.mockito.Mockito.atLeast(2));
        assertThat(fixture.connectors.credentials)
                .extracting(c -> c.authorizationHeader().orElseThrow())
                .containsExactly(
                        "Bearer " + TOKEN,
                        "Basic " + java.util.Base64.getEncoder().encodeToString(("grafana:" + PASSWORD).getBytes()));
        assertThat(fixture.connectors.credentials).allSatisfy(c -> assertThat(c).isInstanceOf(Credential.class));
    }

    @Test
    void noSecretInTheLogTheEvidenceTheReportTheStateTheStatusOrTheFailure() throws Exception {
        FakeStepContext context = build.newContext();
        MlCanaryStep.Execution execution =
                started((MlCanaryStep.Execution) new MlCanaryStep(GATED, "v2").start(context));
        fixture.runFor(Duration.ofMinutes(21));
        List<String> seen = new ArrayList<>();
        seen.add(execution.getStatus());
        seen.add(build.action(ENDPOINT).getStatus());
        fixture.serving.candidateErrorRate = 0.05;
        fixture.runUntilEnded(context);

        seen.add(build.log());
        seen.add(context.failure().orElseThrow().toString());
        seen.add(build.action(ENDPOINT).getReportFragment());
        seen.add(io.mlrollout.core.rollout.RolloutStateCodec.write(
                build.action(ENDPOINT).state()));
        seen.addAll(filesUnder(build.directory));
        seen.addAll(filesUnder(home));

        assertThat(seen).hasSizeGreaterThan(6);
        assertThat(String.join("\n", seen))
                .contains("[ml-rollout] ROLLED BACK")
                .doesNotContain(TOKEN)
                .doesNotContain(PASSWORD);
    }

    @Test
    void aMissingCredentialIsReportedByIdOnly() throws Exception {
        credentials
                .when(() -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StringCredentials.class, null, ACL.SYSTEM2, List.of()))
                .thenReturn(List.of());

        FakeStepContext context = build.newContext();
        StepFixture.started(new MlCanaryStep(GATED, "v2").start(context));
        assertThat(context.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("endpoint 'fraud-scorer' router credentialsId: no credentials with id 'router-token'");
        assertThat(fixture.locks.holder(ENDPOINT))
                .as("refused before the endpoint was taken")
                .isEmpty();
        verify(build.run, org.mockito.Mockito.never()).addAction(any());
    }

    /** The text of every file under {@code root}; of the evidence pack, the text of each of its entries. */
    private static List<String> filesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<String> contents = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().endsWith(".zip")) {
                    contents.add(Files.readString(file));
                    continue;
                }
                try (java.io.InputStream in = Files.newInputStream(file);
                        java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(in)) {
                    for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                        contents.add(new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
            return contents;
        }
    }
}

package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.security.ACL;
import hudson.util.Secret;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.rollout.Phase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.mockito.MockedStatic;

/**
 * The seal that closes a rollout's evidence when it comes to rest: in the file, in the build log, in what build.xml
 * keeps and in the report; keyed with the credential the global configuration names, whose secret goes nowhere else.
 */
class EvidenceSealTest {

    private static final String KEY_TEXT = "9f86d081884c7d659a2feaa0c55ad015";

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<CredentialsProvider> credentials;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        credentials = mockStatic(CredentialsProvider.class);
    }

    @AfterEach
    void tearDown() {
        credentials.close();
        fixture.close();
    }

    private FakeBuild passedCanary() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
        fixture.runUntilEnded(context);
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.CANARY_PASSED);
        return build;
    }

    private FakeBuild rolledBackCanary() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
        fixture.runFor(Duration.ofMinutes(11));
        fixture.serving.candidateErrorRate = 0.03;
        fixture.runUntilEnded(context);
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.ROLLED_BACK);
        return build;
    }

    private static Path evidence(FakeBuild build) {
        return build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve(AuditTrail.EVIDENCE);
    }

    private <C extends Credentials> void inTheControllersStore(Class<C> type, C credential) {
        credentials
                .when(() -> CredentialsProvider.lookupCredentialsInItemGroup(type, null, ACL.SYSTEM2, List.of()))
                .thenReturn(List.of(credential));
    }

    private void sealKeyAsSecretText(String id, String text) {
        StringCredentials token = mock(StringCredentials.class);
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(text);
        when(token.getSecret()).thenReturn(secret);
        when(token.getId()).thenReturn(id);
        inTheControllersStore(StringCredentials.class, token);
        fixture.configuration.setSealCredentialsId(id);
    }

    @Test
    void aRollbackSealsTheEvidenceLogsTheHeadAndKeepsItWithTheBuildAndInTheReport() throws Exception {
        FakeBuild build = rolledBackCanary();

        EvidenceVerifier.Result check = EvidenceVerifier.verify(evidence(build));
        assertThat(check.sealing()).isEqualTo(EvidenceVerifier.Sealing.SEALED);
        assertThat(build.log())
                .contains("[ml-rollout] evidence " + evidence(build) + ": " + check.lines() + " lines, head "
                        + check.head() + ", sealed\n");
        RolloutAction action = build.action(ENDPOINT);
        Report.EvidenceHead head = new Report.EvidenceHead(check.lines(), check.head(), true, null);
        assertThat(action.evidenceHead()).contains(head);
        assertThat(action.getEvidenceSummary()).isEqualTo(head.describe());
        assertThat(Restart.reloaded(action).evidenceHead())
                .as("what build.xml keeps")
                .contains(head);
        assertThat(action.getReportFragment()).contains(check.head());
        assertThat(Files.readString(evidence(build).resolveSibling(AuditTrail.REPORT)))
                .contains(check.head());
    }

    @Test
    void aFileCutAfterItsSealSaysNotSealed() throws Exception {
        FakeBuild build = passedCanary();
        List<String> lines = Files.readAllLines(evidence(build));
        assertThat(EvidenceVerifier.verify(lines).sealed()).isTrue();

        EvidenceVerifier.Result cut = EvidenceVerifier.verify(lines.subList(0, lines.size() - 1));

        assertThat(cut.intact()).isTrue();
        assertThat(cut.sealing()).isEqualTo(EvidenceVerifier.Sealing.NOT_SEALED);
        assertThat(cut.head())
                .isNotEqualTo(
                        build.action(ENDPOINT).evidenceHead().orElseThrow().head());
    }

    @Test
    void aSecretTextKeySignsTheSealAndTheSecretReachesNoLogEvidenceReportOrBuildRecord() throws Exception {
        sealKeyAsSecretText("evidence-seal", KEY_TEXT);
        SealKey key = SealKey.of(KEY_TEXT.getBytes(StandardCharsets.UTF_8));

        FakeBuild build = rolledBackCanary();

        EvidenceVerifier.Result check = EvidenceVerifier.verify(evidence(build), Optional.of(key));
        assertThat(check.sealing()).isEqualTo(EvidenceVerifier.Sealing.SEALED_WITH_KEY);
        assertThat(check.keyFingerprint()).contains(key.fingerprint());
        assertThat(build.log()).contains(", sealed with key " + key.fingerprint() + "\n");
        RolloutAction action = build.action(ENDPOINT);
        assertThat(action.evidenceHead().orElseThrow().keyFingerprint()).isEqualTo(key.fingerprint());
        assertThat(build.log()).doesNotContain(KEY_TEXT);
        assertThat(Files.readString(evidence(build))).doesNotContain(KEY_TEXT);
        assertThat(action.getReportFragment()).doesNotContain(KEY_TEXT).contains(key.fingerprint());
        assertThat(action.getEvidenceSummary()).doesNotContain(KEY_TEXT);
    }

    @Test
    void aSecretFileKeyIsReadAsTheCliReadsAKeyFileWithoutItsTrailingLineBreak() throws Exception {
        FileCredentials file = mock(FileCredentials.class);
        when(file.getId()).thenReturn("evidence-seal-file");
        when(file.getContent())
                .thenAnswer(invocation -> new ByteArrayInputStream((KEY_TEXT + "\n").getBytes(StandardCharsets.UTF_8)));
        inTheControllersStore(FileCredentials.class, file);
        fixture.configuration.setSealCredentialsId("evidence-seal-file");
        Path keyFile = home.resolve("evidence.key");
        Files.writeString(keyFile, KEY_TEXT + "\n");

        FakeBuild build = rolledBackCanary();

        assertThat(EvidenceVerifier.verify(evidence(build), Optional.of(SealKey.fromFile(keyFile)))
                        .sealing())
                .isEqualTo(EvidenceVerifier.Sealing.SEALED_WITH_KEY);
    }

    @Test
    void aKeyTooShortStillSealsWithoutAKeyAndTheLogSaysWhyWithoutTheSecret() throws Exception {
        sealKeyAsSecretText("evidence-seal", "short-secret");

        FakeBuild build = rolledBackCanary();

        assertThat(EvidenceVerifier.verify(evidence(build)).sealing()).isEqualTo(EvidenceVerifier.Sealing.SEALED);
        assertThat(build.log())
                .contains("WARNING: ML Rollout sealCredentialsId: credentials 'evidence-seal': a seal key needs at"
                        + " least 16 bytes")
                .contains("sealing the evidence without a key")
                .doesNotContain("short-secret");
    }

    @Test
    void aMissingKeyCredentialStillSealsAndNamesTheId() throws Exception {
        fixture.configuration.setSealCredentialsId("no-such-key");

        FakeBuild build = rolledBackCanary();

        assertThat(EvidenceVerifier.verify(evidence(build)).sealed()).isTrue();
        assertThat(build.log()).contains("sealCredentialsId: no credentials with id 'no-such-key'");
    }

    @Test
    void aPageWhoseEvidenceWasDamagedSaysSoInPlaceOfTheReport() throws Exception {
        FakeBuild build = passedCanary();
        RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
        fixture.restart();
        reloaded.onLoad(build.run);
        List<String> lines = Files.readAllLines(evidence(build));
        lines.set(1, lines.get(1).substring(0, 20) + "<b>cut");
        Files.write(evidence(build), lines);

        assertThat(reloaded.getReportFragment())
                .startsWith("<div class=\"ml-rollout-report\"><p>The report cannot be drawn: the evidence file ")
                .contains("evidence.jsonl cannot be read (")
                .doesNotContain("<b>");
        StaplerResponse2 response = mock(StaplerResponse2.class);
        reloaded.doReport(mock(StaplerRequest2.class), response);
        verify(response)
                .sendError(
                        409, "the report cannot be drawn: the evidence file cannot be read; the rollout page says why");
    }

    @Test
    void aRestartedPageReadsTheSealedEvidenceAndAPromotionSealsItAgain() throws Exception {
        FakeBuild build = passedCanary();
        RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
        fixture.restart();
        build.actions.clear();
        build.actions.add(reloaded);
        reloaded.onLoad(build.run);

        // No live rollout: the page draws the report from the file, whose last line is a seal, not an event.
        assertThat(reloaded.getReportFragment()).contains("canary passed");

        FakeStepContext context = build.newContext();
        started(new MlPromoteStep(ENDPOINT).start(context));
        fixture.runUntilEnded(context);

        assertThat(reloaded.state().phase()).isEqualTo(Phase.PROMOTED);
        EvidenceVerifier.Result check = EvidenceVerifier.verify(evidence(build));
        assertThat(check.sealed()).isTrue();
        long seals = Files.readAllLines(evidence(build)).stream()
                .filter(l -> l.contains("\"seal\":"))
                .count();
        assertThat(seals).as("one at the passed canary, one at the promotion").isEqualTo(2);
        assertThat(reloaded.evidenceHead().orElseThrow().head()).isEqualTo(check.head());
    }
}

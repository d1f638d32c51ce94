package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Item;
import io.mlrollout.core.audit.EvidencePackVerifier;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.springframework.security.access.AccessDeniedException;

/**
 * {@code mlCanary(attachments: ..., lineage: ...)}: files read from the workspace through the agent's {@link FilePath},
 * refused before anything moves when the policy's required ones are missing, and the evidence pack written in the
 * build directory at rest and served by {@code doEvidencePack}.
 */
class EvidencePackStepTest {

    private static final String REQUIRING = THREE_STAGES + "evidence: {requireAttachments: [fairness, securityScan]}\n";

    @TempDir
    Path home;

    @TempDir
    Path workspaceRoot;

    private StepFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new StepFixture(home);
        Files.createDirectories(workspaceRoot.resolve("reports"));
        Files.writeString(workspaceRoot.resolve("reports/fairness.html"), "<p>demographic parity 0.98</p>");
        Files.writeString(workspaceRoot.resolve("scan.json"), "{\"critical\": 0}");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private MlCanaryStep step(String policy, Map<String, String> attachments) {
        MlCanaryStep step = new MlCanaryStep(policy, "v2");
        step.setAttachments(attachments);
        Map<Object, Object> lineage = new LinkedHashMap<>();
        lineage.put("model", "fraud-v2");
        lineage.put("epochs", 12); // Pipeline hands numbers over as they are
        @SuppressWarnings("unchecked")
        Map<String, String> asDeclared = (Map<String, String>) (Map<?, ?>) lineage;
        step.setLineage(asDeclared);
        return step;
    }

    private static Map<String, String> both() {
        Map<String, String> attachments = new LinkedHashMap<>();
        attachments.put("fairness", "reports/fairness.html");
        attachments.put("securityScan", "scan.json");
        return attachments;
    }

    @Test
    void aRolloutAtRestWritesAPackWithTheWorkspaceFilesThatVerifies() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        context.inWorkspace(workspace(workspaceRoot));

        started((MlCanaryStep.Execution) step(REQUIRING, both()).start(context));
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isEmpty();
        Path pack = build.directory.resolve("ml-rollout/fraud-scorer/evidence-pack.zip");
        Map<String, byte[]> entries = unzip(Files.readAllBytes(pack));
        assertThat(new String(entries.get("attachments/fairness/fairness.html"), StandardCharsets.UTF_8))
                .isEqualTo("<p>demographic parity 0.98</p>");
        assertThat(new String(entries.get("lineage.json"), StandardCharsets.UTF_8))
                .contains("\"epochs\" : \"12\"")
                .contains("\"model\" : \"fraud-v2\"");
        assertThat(new String(entries.get("endpoint.json"), StandardCharsets.UTF_8))
                .contains("\"prometheusUrl\" : \"http://prometheus.example:9090\"")
                .contains("\"type\" : \"WebhookRouterSettings\"");
        assertThat(EvidencePackVerifier.verify(pack, Optional.empty()).problems())
                .isEmpty();
        assertThat(build.log()).contains("[ml-rollout] evidence attached: fairness (reports/fairness.html, sha256 ");
        assertThat(build.log()).contains("[ml-rollout] evidence pack written: 8 entries, manifest sha256 ");
        assertThat(build.action("fraud-scorer").isEvidencePackWritten()).isTrue();
    }

    @Test
    void aMissingRequiredAttachmentFailsTheStepBeforeAnythingMoves() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        context.inWorkspace(workspace(workspaceRoot));

        started((MlCanaryStep.Execution)
                step(REQUIRING, Map.of("fairness", "reports/fairness.html")).start(context));
        fixture.runHeldWork();

        assertThat(context.failure())
                .get()
                .isInstanceOf(AbortException.class)
                .extracting(Throwable::getMessage)
                .asString()
                .contains("evidence.requireAttachments[1]: the policy requires an attachment named 'securityScan',"
                        + " and none was given (attachments.securityScan)")
                .endsWith("Nothing was moved.");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(build.actions).isEmpty();
    }

    @Test
    void aPathOutsideTheWorkspaceAMissingFileAndAnEmptyOneAreEachNamed() throws Exception {
        Files.writeString(workspaceRoot.resolve("empty.json"), "");
        Map<String, String> attachments = new LinkedHashMap<>();
        attachments.put("fairness", "../secrets/fairness.html");
        attachments.put("securityScan", "empty.json");
        attachments.put("evaluation", "reports/missing.html");
        attachments.put("model", "/etc/passwd");
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        context.inWorkspace(workspace(workspaceRoot));

        started((MlCanaryStep.Execution) step(REQUIRING, attachments).start(context));
        fixture.runHeldWork();

        assertThat(context.failure().orElseThrow().getMessage())
                .contains("attachments.fairness: '../secrets/fairness.html' leads outside the workspace")
                .contains("attachments.securityScan: empty.json is empty")
                .contains("attachments.evaluation: no such file in the workspace: reports/missing.html")
                .contains("attachments.model: '/etc/passwd' is an absolute path; give one relative to the workspace");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void attachmentsOutsideANodeBlockAreRefused() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();

        started((MlCanaryStep.Execution) step(THREE_STAGES, both()).start(context));
        fixture.runHeldWork();

        assertThat(context.failure().orElseThrow().getMessage())
                .contains("attachments: the files are read from the workspace, and there is none here; call mlCanary"
                        + " inside a node block");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void thePackIsDownloadedAsAZipByThoseWhoMayReadTheJob() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        context.inWorkspace(workspace(workspaceRoot));
        started((MlCanaryStep.Execution) step(REQUIRING, both()).start(context));
        fixture.runUntilEnded(context);
        RolloutAction page = build.action("fraud-scorer");
        StaplerResponse2 response = mock(StaplerResponse2.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        when(response.getOutputStream()).thenReturn(captured(body));

        page.doEvidencePack(mock(StaplerRequest2.class), response);

        verify(build.job).checkPermission(Item.READ);
        verify(response).setContentType("application/zip");
        verify(response)
                .setHeader(
                        "Content-Disposition",
                        "attachment; filename=\"fraud-deploy-0-fraud-scorer-evidence-pack.zip\"");
        assertThat(body.toByteArray())
                .isEqualTo(Files.readAllBytes(build.directory.resolve("ml-rollout/fraud-scorer/evidence-pack.zip")));

        doThrow(new AccessDeniedException("eve is missing the Job/Read permission"))
                .when(build.job)
                .checkPermission(Item.READ);
        StaplerResponse2 refused = mock(StaplerResponse2.class);
        assertThatThrownBy(() -> page.doEvidencePack(mock(StaplerRequest2.class), refused))
                .isInstanceOf(AccessDeniedException.class);
        verify(refused, org.mockito.Mockito.never()).getOutputStream();
    }

    /**
     * A workspace on an agent, mocked at Jenkins' seam: {@link FilePath#isDescendant} and the file calls answer from a
     * real folder, as the agent would (an absolute path is refused as the real one refuses it).
     */
    private static FilePath workspace(Path root) throws Exception {
        FilePath workspace = mock(FilePath.class);
        when(workspace.isDescendant(anyString())).thenAnswer(invocation -> {
            String path = invocation.getArgument(0);
            if (Path.of(path).isAbsolute()) {
                throw new IllegalArgumentException("Only a relative path is supported: " + path);
            }
            return root.resolve(path).normalize().startsWith(root);
        });
        when(workspace.child(anyString()))
                .thenAnswer(invocation -> file(root.resolve((String) invocation.getArgument(0))));
        return workspace;
    }

    private static FilePath file(Path path) throws Exception {
        FilePath file = mock(FilePath.class);
        when(file.exists()).thenAnswer(invocation -> Files.exists(path));
        when(file.isDirectory()).thenAnswer(invocation -> Files.isDirectory(path));
        when(file.length()).thenAnswer(invocation -> Files.size(path));
        when(file.read()).thenAnswer(invocation -> Files.newInputStream(path));
        when(file.getRemote()).thenReturn(path.toString());
        return file;
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = new java.io.ByteArrayInputStream(zip);
                ZipInputStream zin = new ZipInputStream(in)) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                entries.put(e.getName(), zin.readAllBytes());
            }
        }
        return entries;
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

package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code canary --attach/--lineage} against the simulator: the files a policy requires are checked before anything
 * moves, the pack is written beside the evidence at rest, and {@code verify-evidence} checks it and names tampering.
 */
class EvidencePackCommandsTest {

    private static final String REQUIRING_POLICY =
            StatefulCommandsTest.PLAIN_POLICY + "evidence: {requireAttachments: [fairness, securityScan]}\n";

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;
    private Path fairness;
    private Path scan;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", "");
        state = dir.resolve("rollout").resolve("state.json");
        fairness = Files.writeString(dir.resolve("fairness.html"), "<p>demographic parity 0.98</p>");
        scan = Files.writeString(dir.resolve("scan.json"), "{\"critical\": 0}");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aRolloutWithoutTheAttachmentsThePolicyRequiresIsRefusedBeforeAnythingMoves() throws Exception {
        Cli.Result run = canary(REQUIRING_POLICY, "--attach", "fairness=" + fairness);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("evidence.requireAttachments[1]: the policy requires an attachment named 'securityScan',"
                        + " and none was given (--attach securityScan)");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertThat(state).doesNotExist();
    }

    @Test
    void anEmptyOrMissingFileIsRefusedWithItsField() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.json"), "");

        Cli.Result run = canary(
                REQUIRING_POLICY,
                "--attach",
                "fairness=" + dir.resolve("nowhere.html"),
                "--attach",
                "securityScan=" + empty);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("--attach fairness: no such file: " + dir.resolve("nowhere.html"))
                .contains("--attach securityScan: " + empty + " is empty");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aBadNameIsNamedEvenWhenItsFileIsMissing() throws Exception {
        Cli.Result run = canary(StatefulCommandsTest.PLAIN_POLICY, "--attach", "fair ness=" + dir.resolve("nowhere"));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--attach fair ness: 'fair ness' is not an attachment name");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aNameGivenTwiceIsRefusedRatherThanOneOfItsFilesDropped() throws Exception {
        Cli.Result run = canary(
                REQUIRING_POLICY,
                "--attach",
                "fairness=" + fairness,
                "--attach",
                "securityScan=" + scan,
                "--attach",
                "fairness=" + scan,
                "--lineage",
                "model=fraud-v2",
                "--lineage",
                "model=fraud-v3");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("--lineage model: is given twice (fraud-v2, then fraud-v3); give each name once")
                .contains("--attach fairness: is given twice (" + fairness + ", then " + scan + "); give each name"
                        + " once");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertThat(state).doesNotExist();
    }

    @Test
    void aRolloutAtRestWritesAPackThatVerifies() throws Exception {
        Cli.Result run = canary(
                REQUIRING_POLICY,
                "--attach",
                "fairness=" + fairness,
                "--attach",
                "securityScan=" + scan,
                "--lineage",
                "model=fraud-v2",
                "--lineage",
                "data=2026-11-01");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
        Path pack = RolloutFiles.beside(state).pack();
        assertThat(run.out()).contains("evidence pack " + pack + ": 8 entries");

        Map<String, byte[]> entries = unzip(pack);
        assertThat(entries)
                .containsKeys(
                        "attachments/fairness/fairness.html", "attachments/securityScan/scan.json", "endpoint.json");
        assertThat(new String(entries.get("lineage.json"))).contains("fraud-v2").contains("2026-11-01");
        assertThat(new String(entries.get("evidence.jsonl"))).contains("\"type\":\"evidence-attached\"");

        Cli.Result verify = Cli.run(endpoint.environment(), "verify-evidence", pack.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("intact pack: 8 entries match MANIFEST.json");
    }

    @Test
    void verifyEvidenceNamesEveryChangedMissingOrExtraEntry() throws Exception {
        canary(REQUIRING_POLICY, "--attach", "fairness=" + fairness, "--attach", "securityScan=" + scan);
        Path pack = RolloutFiles.beside(state).pack();
        Map<String, byte[]> entries = unzip(pack);
        entries.put("attachments/fairness/fairness.html", "<p>demographic parity 0.70</p>".getBytes());
        entries.remove("signoffs.json");
        entries.put("extra.txt", "added".getBytes());
        zip(pack, entries);

        Cli.Result verify = Cli.run(endpoint.environment(), "verify-evidence", pack.toString());

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(verify.out())
                .contains("BROKEN: " + pack + " (3 problem(s))")
                .contains("entry attachments/fairness/fairness.html was changed")
                .contains("entry signoffs.json is missing (the manifest lists it)")
                .contains("entry extra.txt is extra: the manifest does not list it");
    }

    @Test
    void aPackCutShortIsBrokenEvidenceNotAnInfrastructureFailure() throws Exception {
        canary(REQUIRING_POLICY, "--attach", "fairness=" + fairness, "--attach", "securityScan=" + scan);
        Path pack = RolloutFiles.beside(state).pack();
        byte[] bytes = Files.readAllBytes(pack);
        Files.write(pack, Arrays.copyOf(bytes, bytes.length / 3));

        Cli.Result verify = Cli.run(endpoint.environment(), "verify-evidence", pack.toString());

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(verify.out())
                .startsWith("BROKEN: " + pack + " is not a readable zip archive: it ends inside an entry");
    }

    @Test
    void attachmentsAreOnlyTakenWhenARolloutStarts() throws Exception {
        canary(StatefulCommandsTest.PLAIN_POLICY);

        Cli.Result again = canary(StatefulCommandsTest.PLAIN_POLICY, "--attach", "fairness=" + fairness);

        assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("--attach: is recorded when a rollout starts");
    }

    private Cli.Result canary(String policyYaml, String... extra) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), policyYaml);
        List<String> args = new ArrayList<>(List.of(
                "canary",
                "--policy",
                policy.toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpointFile.toString(),
                "--candidate",
                "v2"));
        args.addAll(List.of(extra));
        return Cli.run(endpoint.environment(), args.toArray(String[]::new));
    }

    private static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream zin = new ZipInputStream(in)) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                entries.put(e.getName(), zin.readAllBytes());
            }
        }
        return entries;
    }

    private static void zip(Path zip, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream zout = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zout.putNextEntry(new ZipEntry(e.getKey()));
                zout.write(e.getValue());
                zout.closeEntry();
            }
        }
    }
}

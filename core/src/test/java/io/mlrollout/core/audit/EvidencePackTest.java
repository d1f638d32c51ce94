package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pack holds what an auditor asks for, gives the same bytes for the same rollout, and shows every tampering. */
class EvidencePackTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant REST = T0.plus(Duration.ofMinutes(45));
    private static final SealKey KEY = SealKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final Attachment FAIRNESS =
            new Attachment("fairness", "reports/fairness.html", "<p>parity 0.98</p>".getBytes(StandardCharsets.UTF_8));
    private static final Attachment SCAN =
            new Attachment("securityScan", "scan.json", "{\"critical\":0}".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    /** A rollout's evidence as the engine records it: start, attachments, a verdict, a sign-off, a pass. */
    private EvidenceLog rollout(Path folder) throws IOException {
        EvidenceLog log = EvidenceLog.open(folder.resolve("evidence.jsonl"));
        log.append(new RolloutEvent.Started(
                T0,
                "build-7",
                "fraud-scorer",
                "v2",
                "alice",
                List.of(new RolloutEvent.PlannedStage(10, Duration.ofMinutes(10), true)),
                List.of("error-rate"),
                0.01,
                false,
                null));
        log.append(Attachments.event(T0, Map.of("model", "fraud-v2", "data", "2026-11-01"), List.of(FAIRNESS, SCAN)));
        log.append(new RolloutEvent.StageConcluded(
                T0.plusSeconds(600), 1, 1, 10, Verdict.PASS, 100, List.of("error-rate: no increase")));
        log.append(
                new RolloutEvent.GateOpened(T0.plusSeconds(600), "stage 1", List.of("bob"), 1, T0.plusSeconds(7200)));
        log.append(new RolloutEvent.Signed(T0.plusSeconds(900), "bob", Decision.APPROVE, "fairness looks fine", 1, 1));
        log.append(new RolloutEvent.GateSettled(T0.plusSeconds(900), "stage 1", "approved"));
        log.append(new RolloutEvent.CanaryPassed(REST, 10));
        return log;
    }

    private static EvidencePack.Contents contents() {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("name", "fraud-scorer");
        endpoint.put("router", Map.of("type", "istio", "credentialsId", "istio-token"));
        return new EvidencePack.Contents(
                "stages:\n  - weight: 10\n", endpoint, List.of(FAIRNESS, SCAN), "<html>report</html>");
    }

    private Path pack(Path folder, Optional<SealKey> key) throws IOException {
        Path target = folder.resolve("pack.zip");
        EvidencePack.write(target, contents(), rollout(folder), REST, key).orElseThrow();
        return target;
    }

    @Test
    void thePackHoldsEveryPartAndItsManifestIsSealedIntoTheChain() throws IOException {
        Path pack = pack(dir, Optional.empty());

        Map<String, byte[]> entries = unzip(pack);

        assertThat(entries.keySet())
                .containsExactly(
                        "MANIFEST.json",
                        "evidence.jsonl",
                        "attachments/fairness/fairness.html",
                        "attachments/securityScan/scan.json",
                        "decisions.json",
                        "endpoint.json",
                        "lineage.json",
                        "policy.yaml",
                        "report.html",
                        "signoffs.json");
        assertThat(text(entries, "lineage.json")).contains("\"model\" : \"fraud-v2\"");
        assertThat(text(entries, "signoffs.json")).contains("fairness looks fine");
        assertThat(text(entries, "decisions.json")).contains("error-rate: no increase");
        assertThat(text(entries, "endpoint.json")).contains("istio-token");
        List<RolloutEvent> events = EvidenceLog.readEvents(dir.resolve("evidence.jsonl"));
        RolloutEvent.PackSealed sealed = (RolloutEvent.PackSealed) events.get(events.size() - 1);
        assertThat(sealed.manifestSha256()).isEqualTo(Sha256.hex(entries.get("MANIFEST.json")));
        assertThat(sealed.entries()).isEqualTo(8);
        assertThat(entries.get("evidence.jsonl")).isEqualTo(Files.readAllBytes(dir.resolve("evidence.jsonl")));

        EvidencePackVerifier.Result result = EvidencePackVerifier.verify(pack, Optional.empty());
        assertThat(result.problems()).isEmpty();
        assertThat(result.entries()).isEqualTo(8);
        assertThat(result.chain().orElseThrow().sealed()).isTrue();
    }

    @Test
    void aPackWhosePolicyIsNotTheOneTheEvidenceRecordedAtTheStartIsNamed() throws IOException {
        EvidenceLog log = rollout(dir);
        String started = contents().policyText();
        log.append(new RolloutEvent.PolicyKept(
                REST,
                "state.evidence.policy.yaml",
                Sha256.hex("stages:\n  - weight: 50\n".getBytes(StandardCharsets.UTF_8))));
        Path pack = dir.resolve("pack.zip");
        EvidencePack.write(pack, contents(), log, REST, Optional.empty()).orElseThrow();

        EvidencePackVerifier.Result result = EvidencePackVerifier.verify(pack, Optional.empty());

        assertThat(result.problems())
                .containsExactly(
                        "entry policy.yaml is not the policy the rollout started with: the manifest says sha256 "
                                + Sha256.hex(started.getBytes(StandardCharsets.UTF_8)) + ", the evidence recorded "
                                + Sha256.hex("stages:\n  - weight: 50\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSameRolloutGivesTheSameBytes() throws IOException {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));

        assertThat(Files.readAllBytes(pack(first, Optional.of(KEY))))
                .isEqualTo(Files.readAllBytes(pack(second, Optional.of(KEY))));
    }

    @Test
    void aChainThatEndsWithItsPackIsNotPackedAgain() throws IOException {
        EvidenceLog log = rollout(dir);
        EvidencePack.write(dir.resolve("pack.zip"), contents(), log, REST, Optional.empty())
                .orElseThrow();
        long lines = log.lines();

        Optional<EvidencePack.Written> again =
                EvidencePack.write(dir.resolve("pack.zip"), contents(), log, REST.plusSeconds(5), Optional.empty());

        assertThat(again).isEmpty();
        assertThat(log.lines()).isEqualTo(lines);
    }

    @Test
    void aPackThatCannotBeWrittenLeavesTheChainAsItWasAndTheNextRestWritesIt() throws IOException {
        EvidenceLog log = rollout(dir);
        long lines = log.lines();
        String head = log.head();
        // A folder that cannot be made (a file has its name) fails the write as a full disk would.
        Path blocked = Files.writeString(dir.resolve("blocked"), "a file, not a folder")
                .resolve("pack.zip");

        assertThatThrownBy(() -> EvidencePack.write(blocked, contents(), log, REST, Optional.of(KEY)))
                .isInstanceOf(IOException.class);

        assertThat(log.lines()).isEqualTo(lines);
        assertThat(log.head()).isEqualTo(head);
        assertThat(EvidenceVerifier.verify(log.file()).lines()).isEqualTo(lines);
        Path target = dir.resolve("pack.zip");
        assertThat(EvidencePack.write(target, contents(), log, REST, Optional.of(KEY)))
                .isPresent();
        assertThat(EvidencePackVerifier.verify(target, Optional.of(KEY)).problems())
                .isEmpty();
        assertThat(Files.readAllBytes(target))
                .isEqualTo(Files.readAllBytes(pack(Files.createDirectories(dir.resolve("again")), Optional.of(KEY))));
    }

    @Test
    void aChangedEntryIsNamed() throws IOException {
        Path pack = pack(dir, Optional.empty());
        rewrite(pack, entries -> entries.put("report.html", "<html>all fine</html>".getBytes(StandardCharsets.UTF_8)));

        assertThat(EvidencePackVerifier.verify(pack, Optional.empty()).problems())
                .singleElement()
                .asString()
                .startsWith("entry report.html was changed: its sha256 is ");
    }

    @Test
    void aMissingAndAnExtraEntryAreNamed() throws IOException {
        Path pack = pack(dir, Optional.empty());
        rewrite(pack, entries -> {
            entries.remove("attachments/securityScan/scan.json");
            entries.put("notes.txt", "added later".getBytes(StandardCharsets.UTF_8));
        });

        assertThat(EvidencePackVerifier.verify(pack, Optional.empty()).problems())
                .containsExactly(
                        "entry attachments/securityScan/scan.json is missing (the manifest lists it)",
                        "entry notes.txt is extra: the manifest does not list it");
    }

    @Test
    void aManifestRewrittenToMatchAChangedEntryDoesNotMatchTheChain() throws IOException {
        Path pack = pack(dir, Optional.empty());
        byte[] forged = "<p>parity 0.70</p>".getBytes(StandardCharsets.UTF_8);
        rewrite(pack, entries -> {
            entries.put("attachments/fairness/fairness.html", forged);
            entries.put(
                    "MANIFEST.json",
                    withDigest(entries.get("MANIFEST.json"), "attachments/fairness/fairness.html", Sha256.hex(forged)));
        });

        List<String> problems =
                EvidencePackVerifier.verify(pack, Optional.empty()).problems();

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("MANIFEST.json was changed: its sha256 is ");
        assertThat(problems.get(0)).endsWith("(line 8)");
        assertThat(problems.get(1))
                .startsWith("entry attachments/fairness/fairness.html is not the file attached at the start");
    }

    @Test
    void anEditedChainLineIsNamed() throws IOException {
        Path pack = pack(dir, Optional.empty());
        rewrite(
                pack,
                entries -> entries.put(
                        "evidence.jsonl",
                        text(entries, "evidence.jsonl")
                                .replace("fairness looks fine", "looks fine")
                                .getBytes(StandardCharsets.UTF_8)));

        assertThat(EvidencePackVerifier.verify(pack, Optional.empty()).problems())
                .containsExactly("evidence.jsonl line 5: was edited: its content does not match its hash");
    }

    @Test
    void aChainCutBeforeItsSealIsNamed() throws IOException {
        Path pack = pack(dir, Optional.empty());
        rewrite(pack, entries -> {
            List<String> lines = text(entries, "evidence.jsonl").lines().toList();
            entries.put(
                    "evidence.jsonl",
                    (String.join("\n", lines.subList(0, lines.size() - 1)) + "\n").getBytes(StandardCharsets.UTF_8));
        });

        assertThat(EvidencePackVerifier.verify(pack, Optional.empty()).problems())
                .containsExactly("evidence.jsonl does not end with a seal: lines were cut off the end");
    }

    @Test
    void aPackRewrittenWholeWithoutTheKeyFailsAgainstTheKey() throws IOException {
        Path pack = pack(dir, Optional.of(KEY));
        // Forge: change an entry, the manifest, the sealed digest, and recompute the chain with an unkeyed seal.
        rewrite(pack, entries -> {
            byte[] forged = "<p>parity 0.70</p>".getBytes(StandardCharsets.UTF_8);
            entries.put("attachments/fairness/fairness.html", forged);
            byte[] manifest =
                    withDigest(entries.get("MANIFEST.json"), "attachments/fairness/fairness.html", Sha256.hex(forged));
            entries.put("MANIFEST.json", manifest);
            entries.put("evidence.jsonl", rechained(text(entries, "evidence.jsonl"), Sha256.hex(manifest), forged));
        });

        assertThat(EvidencePackVerifier.verify(pack, Optional.empty()).problems())
                .isEmpty();
        assertThat(EvidencePackVerifier.verify(pack, Optional.of(KEY)).problems())
                .containsExactly("evidence.jsonl line 9: the last seal was made without a key, so the key proves"
                        + " nothing about the file");
    }

    @Test
    void aSecondArchiveAppendedToThePackIsNamed() throws IOException {
        Path pack = pack(dir, Optional.empty());
        Map<String, byte[]> forged = unzip(pack);
        forged.put("report.html", "<html>all fine</html>".getBytes(StandardCharsets.UTF_8));
        // unzip and every tool that reads the archive's directory sees the appended archive; reading the stored
        // entries one after another sees the original pack, and stops where its directory starts.
        Files.write(pack, zipped(forged), StandardOpenOption.APPEND);

        List<String> problems =
                EvidencePackVerifier.verify(pack, Optional.empty()).problems();

        assertThat(problems)
                .containsExactly(
                        "the archive's directory, which unzip and other zip tools read, does not give the entries"
                                + " stored one after another: entry report.html differs; the archive was put together"
                                + " by hand",
                        "entry report.html was changed: its sha256 is "
                                + Sha256.hex(forged.get("report.html"))
                                + ", the manifest says "
                                + Sha256.hex("<html>report</html>".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFileThatIsNotAZipIsRefused() throws IOException {
        Path notZip = Files.writeString(dir.resolve("evidence.jsonl"), "{}\n");

        assertThatThrownBy(() -> EvidencePackVerifier.verify(notZip, Optional.empty()))
                .isInstanceOf(ZipException.class)
                .hasMessageContaining("is not a zip archive");
    }

    @Test
    void aPackCutShortOrWithAnEntryNameThatIsNotUtf8IsNotAReadableZip() throws IOException {
        byte[] bytes = Files.readAllBytes(pack(dir.resolve("rollout"), Optional.empty()));
        Path cut = Files.write(dir.resolve("cut.zip"), Arrays.copyOf(bytes, bytes.length / 3));
        byte[] renamed = bytes.clone();
        // The first local header's name starts 30 bytes in; 0xFF never occurs in UTF-8.
        renamed[31] = (byte) 0xFF;
        Path badName = Files.write(dir.resolve("bad-name.zip"), renamed);

        assertThatThrownBy(() -> EvidencePackVerifier.verify(cut, Optional.empty()))
                .isInstanceOf(ZipException.class)
                .hasMessageStartingWith("it ends inside an entry, as a file cut short does");
        // JDK 17 reports the bad name as an IllegalArgumentException, which the verifier turns into this ZipException;
        // newer JDKs throw ZipException("invalid LOC header (bad entry name)") themselves.
        assertThatThrownBy(() -> EvidencePackVerifier.verify(badName, Optional.empty()))
                .isInstanceOf(ZipException.class)
                .message()
                .satisfiesAnyOf(
                        message -> assertThat(message).startsWith("an entry's name is not valid UTF-8"),
                        message -> assertThat(message).contains("bad entry name"));
    }

    @Test
    void aStoredCopyChangedAfterTheStartIsNotPacked() throws IOException {
        Path folder = dir.resolve("attachments");
        Attachments.store(folder, List.of(FAIRNESS));
        RolloutEvent.EvidenceAttached recorded = Attachments.event(T0, Map.of(), List.of(FAIRNESS));
        assertThat(Attachments.load(folder, recorded)).containsExactly(FAIRNESS);

        Files.writeString(folder.resolve("fairness/fairness.html"), "<p>parity 0.70</p>");

        assertThatThrownBy(() -> Attachments.load(folder, recorded))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("was changed after the rollout started");
    }

    /** The chain with its pack event pointing at {@code manifestSha256}, every hash recomputed, sealed without key. */
    private static byte[] rechained(String chain, String manifestSha256, byte[] forgedAttachment) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : chain.lines().toList()) {
            JsonNode node = read(line);
            if (node.has("event")) {
                ObjectNode event = (ObjectNode) node.get("event");
                if (event.path("type").asText().equals("pack-sealed")) {
                    event.put("manifestSha256", manifestSha256);
                }
                if (event.path("type").asText().equals("evidence-attached")) {
                    ((ObjectNode) event.get("attachments").get(0)).put("sha256", Sha256.hex(forgedAttachment));
                }
                events.add(event);
            }
        }
        StringBuilder out = new StringBuilder();
        String prev = EvidenceLog.GENESIS;
        for (int i = 0; i < events.size(); i++) {
            String line = EvidenceLog.line(i + 1, prev, events.get(i));
            out.append(line).append('\n');
            prev = read(line).get("hash").asText();
        }
        ObjectNode seal = Json.mapper().createObjectNode();
        seal.put("at", REST.toString());
        seal.put("lines", events.size());
        seal.put("head", prev);
        ObjectNode sealLine = Json.mapper().createObjectNode();
        sealLine.put("seq", events.size() + 1);
        sealLine.put("prev", prev);
        sealLine.put("hash", EvidenceLog.hash(events.size() + 1, prev, seal));
        sealLine.set("seal", seal);
        out.append(sealLine).append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withDigest(byte[] manifest, String name, String sha256) {
        ObjectNode root = (ObjectNode) read(new String(manifest, StandardCharsets.UTF_8));
        root.get("entries").forEach(e -> {
            if (e.get("name").asText().equals(name)) {
                ((ObjectNode) e).put("sha256", sha256);
            }
        });
        return root.toPrettyString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(Map<String, byte[]> entries, String name) {
        return new String(entries.get(name), StandardCharsets.UTF_8);
    }

    static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream zin = new ZipInputStream(in)) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                entries.put(e.getName(), zin.readAllBytes());
            }
        }
        return entries;
    }

    static void rewrite(Path zip, Consumer<Map<String, byte[]>> change) throws IOException {
        Map<String, byte[]> entries = unzip(zip);
        change.accept(entries);
        Files.write(zip, zipped(entries));
    }

    private static byte[] zipped(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zout = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zout.putNextEntry(new ZipEntry(e.getKey()));
                zout.write(e.getValue());
                zout.closeEntry();
            }
        }
        return out.toByteArray();
    }
}

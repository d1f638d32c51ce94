package io.mlrollout.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Checks an {@link EvidencePack}: every entry against the manifest (changed, missing, extra), the manifest against the
 * digest the evidence chain sealed, the chain itself ({@link EvidenceVerifier}, with the key if given), and each
 * attachment against the digest recorded when the rollout started. Every problem found is reported, not only the
 * first.
 */
public final class EvidencePackVerifier {

    /** Packs are read whole; a larger entry is not one this tool wrote. */
    private static final long MAX_ENTRY_BYTES = 2 * Attachment.MAX_BYTES;

    /**
     * @param entries how many entries the manifest lists
     * @param chain the evidence chain's check, empty when the pack has no chain
     * @param problems what is wrong, each naming the entry or line; empty when the pack is intact
     */
    public record Result(int entries, Optional<EvidenceVerifier.Result> chain, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    private EvidencePackVerifier() {}

    /**
     * @throws ZipException when the file is not a readable zip archive: not a zip, cut short, or an entry name that is
     *     not UTF-8
     */
    public static Result verify(Path pack, Optional<SealKey> key) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> entries = read(pack, problems);
        byte[] manifestBytes = entries.remove(EvidencePack.MANIFEST);
        byte[] chainBytes = entries.remove(EvidencePack.EVIDENCE);
        Map<String, String> listed = new LinkedHashMap<>();
        if (manifestBytes == null) {
            problems.add(EvidencePack.MANIFEST + " is missing: nothing vouches for the entries");
        } else {
            listed = listed(manifestBytes, problems);
        }
        for (Map.Entry<String, String> entry : listed.entrySet()) {
            byte[] bytes = entries.get(entry.getKey());
            if (bytes == null) {
                problems.add("entry " + entry.getKey() + " is missing (the manifest lists it)");
            } else if (!Sha256.hex(bytes).equals(entry.getValue())) {
                problems.add("entry " + entry.getKey() + " was changed: its sha256 is " + Sha256.hex(bytes)
                        + ", the manifest says " + entry.getValue());
            }
        }
        if (manifestBytes != null) {
            for (String name : entries.keySet()) {
                if (!listed.containsKey(name)) {
                    problems.add("entry " + name + " is extra: the manifest does not list it");
                }
            }
        }
        Optional<EvidenceVerifier.Result> chain = Optional.empty();
        if (chainBytes == null) {
            problems.add(EvidencePack.EVIDENCE + " is missing: nothing vouches for the manifest");
        } else {
            List<String> lines = new BufferedReader(new StringReader(new String(chainBytes, StandardCharsets.UTF_8)))
                    .lines()
                    .toList();
            EvidenceVerifier.Result result = EvidenceVerifier.verify(lines, key);
            chain = Optional.of(result);
            if (!result.intact()) {
                problems.add(EvidencePack.EVIDENCE + " " + result.problem().orElseThrow());
            } else if (!result.sealed()) {
                problems.add(EvidencePack.EVIDENCE + " does not end with a seal: lines were cut off the end");
            } else {
                checkAgainstChain(lines, manifestBytes, listed, problems);
            }
        }
        return new Result(listed.size(), chain, problems);
    }

    /** The manifest's digest is the one the chain sealed last, and each attachment is the file recorded at start. */
    private static void checkAgainstChain(
            List<String> lines, byte[] manifestBytes, Map<String, String> listed, List<String> problems)
            throws IOException {
        RolloutEvent.PackSealed sealed = null;
        int sealedLine = 0;
        int eventsAfter = 0;
        RolloutEvent.EvidenceAttached attached = null;
        RolloutEvent.PolicyKept policy = null;
        for (int i = 0; i < lines.size(); i++) {
            Optional<JsonNode> event = EvidenceLog.eventOf(Json.mapper().readTree(lines.get(i)));
            if (event.isEmpty()) {
                continue;
            }
            // Only the events the pack needs are read whole: an event type this version does not know
            // (recorded by a newer one) must not stop the check.
            String type = event.get().path("type").asText();
            eventsAfter++;
            if (type.equals("pack-sealed")) {
                sealed = Json.mapper().treeToValue(event.get(), RolloutEvent.PackSealed.class);
                sealedLine = i + 1;
                eventsAfter = 0;
            } else if (type.equals("evidence-attached") && attached == null) {
                attached = Json.mapper().treeToValue(event.get(), RolloutEvent.EvidenceAttached.class);
            } else if (type.equals("policy-kept") && policy == null) {
                policy = Json.mapper().treeToValue(event.get(), RolloutEvent.PolicyKept.class);
            }
        }
        if (sealed == null) {
            problems.add(EvidencePack.EVIDENCE + " seals no manifest: it has no pack-sealed event");
            return;
        }
        if (eventsAfter > 0) {
            problems.add(EvidencePack.EVIDENCE + " goes on for " + eventsAfter + " event(s) after the pack-sealed"
                    + " event on line " + sealedLine + ": the chain is not the one this pack was written with");
        }
        if (manifestBytes != null && !Sha256.hex(manifestBytes).equals(sealed.manifestSha256())) {
            problems.add(EvidencePack.MANIFEST + " was changed: its sha256 is " + Sha256.hex(manifestBytes)
                    + ", the evidence chain sealed " + sealed.manifestSha256() + " (line " + sealedLine + ")");
        }
        if (policy != null) {
            checkPolicy(policy, listed, problems);
        }
        List<RolloutEvent.AttachedFile> recorded = attached == null ? List.of() : attached.attachments();
        for (RolloutEvent.AttachedFile file : recorded) {
            String prefix = EvidencePack.ATTACHMENTS + file.name() + "/";
            Optional<Map.Entry<String, String>> entry = listed.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix))
                    .findFirst();
            if (entry.isEmpty()) {
                problems.add("attachment " + file.name() + " (" + file.file() + ") was recorded at the start but the"
                        + " pack has no entry for it");
            } else if (!entry.get().getValue().equals(file.sha256())) {
                problems.add("entry " + entry.get().getKey() + " is not the file attached at the start: the manifest"
                        + " says sha256 " + entry.get().getValue() + ", the evidence recorded " + file.sha256());
            }
        }
        for (String name : listed.keySet()) {
            if (name.startsWith(EvidencePack.ATTACHMENTS)
                    && recorded.stream().noneMatch(f -> name.startsWith(EvidencePack.ATTACHMENTS + f.name() + "/"))) {
                problems.add("entry " + name + " is an attachment the evidence did not record at the start");
            }
        }
    }

    /** The pack's policy is the one whose digest the evidence recorded at the start. */
    private static void checkPolicy(
            RolloutEvent.PolicyKept recorded, Map<String, String> listed, List<String> problems) {
        Optional<Map.Entry<String, String>> entry = listed.entrySet().stream()
                .filter(e -> e.getKey().equals("policy.yaml") || e.getKey().equals("policy.json"))
                .findFirst();
        if (entry.isEmpty()) {
            problems.add("the evidence recorded the policy the rollout started with, but the pack has no policy entry");
        } else if (!entry.get().getValue().equals(recorded.sha256())) {
            problems.add("entry " + entry.get().getKey() + " is not the policy the rollout started with: the manifest"
                    + " says sha256 " + entry.get().getValue() + ", the evidence recorded " + recorded.sha256());
        }
    }

    /**
     * The entries by name, as the archive's directory gives them (what unzip and other zip tools show); a name given
     * twice is a problem (a reader would see only one of them). The entries stored one after another must be the same:
     * an archive appended to the pack, or a directory pointing elsewhere, shows a zip tool other entries than a
     * streaming reader sees.
     */
    private static Map<String, byte[]> read(Path pack, List<String> problems) throws IOException {
        List<Map.Entry<String, byte[]>> stored = readInOrder(pack, problems);
        List<Map.Entry<String, byte[]>> listed = readDirectory(pack);
        differenceBetween(listed, stored)
                .ifPresent(difference -> problems.add("the archive's directory, which unzip and other zip tools read,"
                        + " does not give the entries stored one after another: " + difference
                        + "; the archive was put together by hand"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : listed) {
            if (entries.putIfAbsent(entry.getKey(), entry.getValue()) != null) {
                problems.add("entry " + entry.getKey() + " appears twice");
            }
        }
        return entries;
    }

    /** The entries as their local headers give them, one after another, as a streaming reader sees them. */
    private static List<Map.Entry<String, byte[]>> readInOrder(Path pack, List<String> problems) throws IOException {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pack);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.add(Map.entry(entry.getName(), bounded(zip, entry.getName(), problems)));
            }
            if (entries.isEmpty()) {
                throw new ZipException(pack + " is not a zip archive (or an empty one)");
            }
        } catch (EOFException cut) {
            throw new ZipException("it ends inside an entry, as a file cut short does (" + cut.getMessage() + ")");
        } catch (IllegalArgumentException badName) {
            // ZipInputStream's only unchecked failure: an entry name that is not valid UTF-8.
            throw new ZipException("an entry's name is not valid UTF-8 (" + badName.getMessage() + ")");
        }
        return entries;
    }

    /** The entries as the archive's central directory lists them. */
    private static List<Map.Entry<String, byte[]>> readDirectory(Path pack) throws IOException {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        try (ZipFile zip = new ZipFile(pack.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.add(Map.entry(entry.getName(), bounded(in, entry.getName(), ignored)));
                }
            }
        }
        return entries;
    }

    /** An entry's bytes; one larger than a pack's entry can be is named, and read as empty. */
    private static byte[] bounded(InputStream in, String name, List<String> problems) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_ENTRY_BYTES + 1));
        if (bytes.length > MAX_ENTRY_BYTES) {
            problems.add("entry " + name + " is larger than " + MAX_ENTRY_BYTES
                    + " bytes: not an entry of an evidence pack");
            return new byte[0];
        }
        return bytes;
    }

    /** The first way the directory's entries differ from the stored ones, if they do. */
    private static Optional<String> differenceBetween(
            List<Map.Entry<String, byte[]>> listed, List<Map.Entry<String, byte[]>> stored) {
        for (int i = 0; i < Math.min(listed.size(), stored.size()); i++) {
            String name = listed.get(i).getKey();
            if (!name.equals(stored.get(i).getKey())) {
                return Optional.of("entry " + (i + 1) + " is " + name + " in the directory, "
                        + stored.get(i).getKey() + " as stored");
            }
            if (!Arrays.equals(listed.get(i).getValue(), stored.get(i).getValue())) {
                return Optional.of("entry " + name + " differs");
            }
        }
        if (listed.size() != stored.size()) {
            return Optional.of("the directory lists " + listed.size() + " entries, " + stored.size() + " are stored");
        }
        return Optional.empty();
    }

    /** The manifest's entries, name to sha256, in its order. */
    private static Map<String, String> listed(byte[] manifest, List<String> problems) {
        Map<String, String> listed = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = Json.mapper().readTree(manifest);
        } catch (IOException e) {
            problems.add(EvidencePack.MANIFEST + " is not valid JSON");
            return listed;
        }
        if (root == null || !EvidencePack.FORMAT.equals(root.path("format").asText())) {
            problems.add(EvidencePack.MANIFEST + " is not a manifest of format " + EvidencePack.FORMAT);
        }
        for (JsonNode entry : root == null ? List.<JsonNode>of() : iterable(root.path("entries"))) {
            listed.put(entry.path("name").asText(), entry.path("sha256").asText());
        }
        return listed;
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.elements().forEachRemaining(items::add);
        return items;
    }
}

package io.mlrollout.core.audit;

import io.mlrollout.core.policy.EvidenceSettings;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a rollout brings for its evidence pack: the checks made before anything moves, the event that records it, and
 * the copies kept beside the evidence so the pack written at rest holds the files as they were at the start.
 */
public final class Attachments {

    /** One reason the attachments cannot be used, with the field the user wrote it in. */
    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    private Attachments() {}

    /**
     * Why the attachments cannot be used, each problem naming its field: {@code fieldOf} turns an
     * attachment's name into the field the user wrote it in ({@code --attach fairness}, {@code attachments.fairness}).
     * Empty when every attachment is a non-empty file with a valid name and every one the policy requires is there.
     */
    public static List<Problem> problems(
            List<Attachment> attachments, EvidenceSettings required, Function<String, String> fieldOf) {
        List<Problem> problems = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Attachment a : attachments) {
            if (!EvidenceSettings.ATTACHMENT_NAME.matcher(a.name()).matches()) {
                problems.add(new Problem(fieldOf.apply(a.name()), EvidenceSettings.notAnAttachmentName(a.name())));
            } else if (names.contains(a.name())) {
                problems.add(new Problem(fieldOf.apply(a.name()), "is given twice"));
            } else if (a.content().length == 0) {
                problems.add(new Problem(fieldOf.apply(a.name()), a.file() + " is empty"));
            }
            names.add(a.name());
        }
        for (int i = 0; i < required.requireAttachments().size(); i++) {
            String name = required.requireAttachments().get(i);
            if (!names.contains(name)) {
                problems.add(new Problem(
                        "evidence.requireAttachments[" + i + "]",
                        "the policy requires an attachment named '" + name + "', and none was given ("
                                + fieldOf.apply(name) + ")"));
            }
        }
        return problems;
    }

    /** The event recorded right after the start: the lineage facts and each attachment's digest. */
    public static RolloutEvent.EvidenceAttached event(
            Instant at, Map<String, String> lineage, List<Attachment> attachments) {
        return new RolloutEvent.EvidenceAttached(
                at, lineage, attachments.stream().map(Attachment::digest).toList());
    }

    /** Keeps a copy of each attachment in {@code folder}, as {@code <name>/<file name>}. */
    public static void store(Path folder, List<Attachment> attachments) throws IOException {
        for (Attachment a : attachments) {
            Path target = folder.resolve(a.name()).resolve(a.fileName());
            Files.createDirectories(target.getParent());
            Files.write(target, a.content());
        }
    }

    /**
     * The copies {@link #store} kept of the attachments {@code recorded} names.
     *
     * @throws IOException when a copy is gone or no longer has the digest recorded at the start
     */
    public static List<Attachment> load(Path folder, RolloutEvent.EvidenceAttached recorded) throws IOException {
        List<Attachment> loaded = new ArrayList<>();
        for (RolloutEvent.AttachedFile file : recorded.attachments()) {
            Attachment stub = new Attachment(file.name(), file.file(), new byte[0]);
            Path copy = folder.resolve(file.name()).resolve(stub.fileName());
            if (!Files.isRegularFile(copy)) {
                throw new IOException("the copy of attachment " + file.name() + " kept at " + copy + " is gone");
            }
            Attachment a = new Attachment(file.name(), file.file(), Files.readAllBytes(copy));
            if (!a.digest().sha256().equals(file.sha256())) {
                throw new IOException("the copy of attachment " + file.name() + " kept at " + copy
                        + " was changed after the rollout started (its sha256 is "
                        + a.digest().sha256()
                        + ", the evidence recorded " + file.sha256() + ")");
            }
            loaded.add(a);
        }
        return loaded;
    }

    /**
     * {@code listener}, recording {@code lineage} and the attachments' digests right after the rollout's start event,
     * before the driver moves anything.
     */
    public static RolloutDriver.Listener recordedAfterStart(
            RolloutDriver.Listener listener, Map<String, String> lineage, List<Attachment> attachments) {
        return RolloutDriver.Listener.recordingAfterStart(
                listener, started -> event(started.at(), lineage, attachments));
    }
}

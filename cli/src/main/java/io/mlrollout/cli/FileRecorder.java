package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Keeps a rollout's files up to date as it goes: each event is appended to the evidence file, each state saved. A file
 * that cannot be written stops the run (the driver's caller sees the exception): a rollout must not go on unrecorded.
 */
final class FileRecorder implements RolloutDriver.Listener {

    private final RolloutFiles files;
    private final EvidenceLog evidence;

    FileRecorder(RolloutFiles files) throws IOException {
        this.files = files;
        this.evidence = files.openEvidence();
    }

    EvidenceLog evidence() {
        return evidence;
    }

    @Override
    public void recorded(RolloutEvent event) {
        try {
            evidence.append(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the evidence file " + files.evidence(), e);
        }
    }

    @Override
    public void saved(RolloutState state) {
        try {
            files.saveState(state, Report.EvidenceHead.of(evidence, Optional.empty()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state file " + files.state(), e);
        }
    }
}

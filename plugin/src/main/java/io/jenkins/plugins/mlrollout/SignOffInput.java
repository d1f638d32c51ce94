package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.signoff.Decision;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Shows a waiting step's open sign-off gate in Pipeline's views as a pending input of the {@code input} step, so they
 * draw the step and its stage as waiting for input and offer Approve and Reject there. One input at a time per step,
 * always under the same id; it is put up again whenever what it says changes (a signature, a role filled) and after
 * each answer while the gate stays open, and taken down when the gate settles or the step ends.
 *
 * <p>An answer is a signature like one given on the rollout's page: the same person, permission, separation-of-duty
 * and settle-once checks, and a refusal is shown to the person who answered (the input is put up again). The input
 * step itself lets only the gate's approvers and role members (and administrators) approve, and them or anyone with
 * Job/Cancel reject; the gate then decides whether it counts.
 *
 * <p>The input step checks that an input is unsettled before it settles it, not atomically: two answers sent at once
 * (or one racing a signature on the rollout's page, which puts the input up anew) both reach an input that is no longer
 * the one up. Such an answer still signs when the gate it was put up for is the one open, and the input up now is put
 * up again, since settling the old one unlisted their shared id and ended the node's current pause.
 */
final class SignOffInput {

    /**
     * An open gate as its input shows it: which gate it is (the same while it stays open, whatever is signed), what the
     * input says, who may answer it (the input step's {@code submitter}: the gate's approvers and role members,
     * comma-separated), and who takes its answers.
     */
    record Gate(String which, String message, String submitters, Signer signer) {}

    /** Signs the gate as the person answering; throws the refusal when it does not count. */
    @FunctionalInterface
    interface Signer {
        void sign(Decision decision, String comment);
    }

    private static final Logger LOGGER = Logger.getLogger(SignOffInput.class.getName());

    private final StepContext step;
    private final SignOffBoard board;
    private final String id;
    private final Supplier<Optional<Gate>> openGate;
    private final Executor background;

    private boolean staleDropped;
    private @CheckForNull SignOffBoard.Posting posting;
    private @CheckForNull GateInputContext postedContext;
    private @CheckForNull Gate posted;
    private boolean answered;
    /** An answer reached an input no longer up, whose settling took the listing and pause of the one up now. */
    private boolean relist;

    /**
     * @param id the input's id, the same for the step's whole life (and after a restart), so a listing left behind by
     *     a restart can be found
     * @param openGate the gate open now, if any
     * @param background the plugin's threads, for what the step's end does to the build: it may end on the
     *     Pipeline's thread, which must not read or save the build's inputs (after a restart that read waits)
     */
    SignOffInput(
            StepContext step, SignOffBoard board, String id, Supplier<Optional<Gate>> openGate, Executor background) {
        this.step = step;
        this.board = board;
        this.id = id;
        this.openGate = openGate;
        this.background = background;
    }

    /** The input's id for the step on {@code node}: a flow node's id is unique in its build and URL-safe. */
    static String idFor(FlowNode node) {
        return "MlRollout-" + node.getId();
    }

    /**
     * Brings the board in line with the gate open now: puts its input up, puts it up again when it changed or was
     * answered, or takes it down. The node's pause follows: the input step opens one with each input and ends it on an
     * answer; one taken down here is ended here. Failures are logged, never fail the rollout.
     */
    synchronized void refresh(FlowNode node) {
        Optional<Gate> gate = openGate.get();
        try {
            if (!staleDropped) {
                staleDropped = true;
                board.dropStale(step, id);
            }
            if (posting != null && gate.isPresent() && !answered && !relist && sameInput(gate.get(), posted)) {
                return;
            }
            takeDown(node);
            if (gate.isPresent()) {
                SignOffPause.show(node, false); // a pause left open by a restart or an input taken down
                Gate postedFor = gate.get();
                postedContext = new GateInputContext(
                        step, (decision, comment, from) -> answer(decision, comment, from, postedFor));
                posting = board.post(id, postedFor.message(), postedFor.submitters(), postedContext);
                posted = postedFor;
                answered = false;
                relist = false;
                SignOffPause.fold(node); // the input paused the node anew; the views read one pause
            }
        } catch (Exception e) {
            posting = null;
            LOGGER.log(Level.WARNING, "could not show the sign-off as an input on the build", e);
        }
    }

    private static boolean sameInput(Gate now, Gate up) {
        return now.message().equals(up.message()) && now.submitters().equals(up.submitters());
    }

    /**
     * The step ended: on the plugin's threads, its input comes down, with the listing a restart left if it never put
     * one up since (e.g. its resume failed), and the node's pause ends.
     */
    void stepEnded(FlowNode node) {
        background.execute(() -> {
            synchronized (this) {
                if (!staleDropped) {
                    staleDropped = true;
                    dropStale();
                }
                try {
                    takeDown(node);
                } catch (Exception e) {
                    LOGGER.log(Level.WARNING, "could not take the sign-off input down", e);
                }
                SignOffPause.show(node, false);
            }
        });
    }

    /** Takes the input down (the gate settled or changed); ends the pause it opened. */
    private void takeDown(FlowNode node) throws Exception {
        SignOffBoard.Posting current = posting;
        boolean unanswered = !answered;
        posting = null;
        postedContext = null;
        posted = null;
        if (current != null && unanswered) {
            board.takeDown(step, current);
            SignOffPause.show(node, false);
        }
    }

    /** Someone answered the input put up for {@code postedFor} from {@code from}. */
    private void answer(Decision decision, String comment, GateInputContext from, Gate postedFor) {
        Optional<Gate> gate;
        synchronized (this) {
            if (from == postedContext && !answered) {
                answered = true; // the input step has settled it and ended its pause
                gate = Optional.of(posted);
            } else {
                relist = posting != null && !answered;
                gate = openGate.get().filter(open -> open.which().equals(postedFor.which()));
            }
        }
        try {
            gate.orElseThrow(() -> new SignOffAnswer.Refusal(
                            SignOffAnswer.NOTHING_TO_SIGN,
                            decision.name().toLowerCase(Locale.ROOT),
                            "this sign-off input is no longer open: the gate it was put up for has settled; the"
                                    + " rollout's page shows it"))
                    .signer()
                    .sign(decision, comment);
        } catch (RuntimeException refused) {
            if (decision == Decision.APPROVE) {
                forgetRefusedApproval();
            }
            throw refused instanceof SignOffAnswer.Refusal refusal ? refusal.asInputAnswer() : refused;
        } finally {
            refreshLater();
        }
    }

    private void dropStale() {
        try {
            board.dropStale(step, id);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "could not drop the sign-off input a restart left listed on the build", e);
        }
    }

    private void forgetRefusedApproval() {
        try {
            board.forgetRefusedApproval(step);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "could not forget what a refused approval left on the build", e);
        }
    }

    /** After an answer the gate may still be open (a quorum, a refusal): its input goes up again. */
    private void refreshLater() {
        FlowNode node;
        try {
            node = step.get(FlowNode.class);
        } catch (java.io.IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (node != null) {
            refresh(node);
        }
    }
}

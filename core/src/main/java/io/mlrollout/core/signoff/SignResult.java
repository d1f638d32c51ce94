package io.mlrollout.core.signoff;

import java.util.Objects;

/** The answer to a signature: the gate with the signature added (perhaps now settled), or why it was refused. */
public sealed interface SignResult permits SignResult.Accepted, SignResult.Refused {

    /** The signature was taken; {@code gate} is the new state to keep. */
    record Accepted(SignOffGate gate) implements SignResult {
        public Accepted {
            Objects.requireNonNull(gate, "gate");
        }
    }

    /** The signature was not taken and the gate is unchanged; {@code reason} is for the person who tried. */
    record Refused(String reason) implements SignResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

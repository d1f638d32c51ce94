package io.mlrollout.core.traffic;

/** A router call failed. The message is for humans and never holds a credential. */
public class TrafficException extends Exception {

    private final Kind kind;

    public TrafficException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TrafficException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Why a router call failed; the engine rolls back on any of them once retries are spent. */
    public enum Kind {
        /** Timeouts, connection errors, 5xx: retried with backoff. */
        TRANSIENT,
        /** The object changed under us (409, failed test op): retried after a fresh read. */
        CONFLICT,
        /** The router refused the request (4xx other than 409), or the configuration is wrong. */
        REJECTED,
        /** The router answered something we cannot read. */
        MALFORMED
    }
}

package io.mlrollout.core.metrics;

/** The metrics source could not answer. The message is for humans and never holds a credential. */
public class MetricsException extends Exception {

    public MetricsException(String message) {
        super(message);
    }

    public MetricsException(String message, Throwable cause) {
        super(message, cause);
    }
}

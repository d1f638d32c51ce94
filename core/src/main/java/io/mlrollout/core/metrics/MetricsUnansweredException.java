package io.mlrollout.core.metrics;

/**
 * The metrics source did not answer within its call timeout, on every attempt. Asking it again at once would most
 * likely cost as long, so a look asks it nothing more (see {@code RolloutDriver}).
 */
public final class MetricsUnansweredException extends MetricsException {

    public MetricsUnansweredException(String message) {
        super(message);
    }
}

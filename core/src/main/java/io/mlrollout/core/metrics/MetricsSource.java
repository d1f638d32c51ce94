package io.mlrollout.core.metrics;

import io.mlrollout.core.policy.MetricSpec;

/**
 * The port through which the engine reads metrics. An implementation turns a metric's preset or queries into requests
 * to a metrics system (Prometheus) for one version of the model.
 */
public interface MetricsSource {

    /**
     * Reads one metric for one model version over a window.
     *
     * @param endpoint the model endpoint's name (fills {@code ${endpoint}})
     * @param version the model version (fills {@code ${version}}): the baseline's or the candidate's
     * @return the reading; {@link Reading.NoData} when the source has no usable number
     * @throws MetricsException when the source cannot be asked (down, refused, malformed answer)
     */
    Reading read(MetricSpec metric, String endpoint, String version, Window window) throws MetricsException;
}

package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.traffic.TrafficRouter;
import java.net.URI;
import java.util.Objects;

/** The real connectors: the router kind an administrator chose, and the endpoint's Prometheus. */
final class EndpointConnectors implements RolloutServices.Connectors {

    @Override
    public TrafficRouter router(ModelEndpoint endpoint, Credential credential) {
        RouterSettings router = Objects.requireNonNull(endpoint.getRouter(), "router");
        return router.router(credential);
    }

    @Override
    public MetricsSource metrics(ModelEndpoint endpoint, Credential credential) {
        String namespace = endpoint.getNamespace();
        return new PrometheusMetricsSource(
                URI.create(Objects.requireNonNull(endpoint.getPrometheusUrl(), "prometheusUrl")),
                credential,
                JenkinsHttp.SETTINGS,
                namespace == null ? "" : namespace);
    }
}

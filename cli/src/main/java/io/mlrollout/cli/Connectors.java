package io.mlrollout.cli;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.traffic.GatewayApiRouter;
import io.mlrollout.core.traffic.IstioRouter;
import io.mlrollout.core.traffic.KServeRouter;
import io.mlrollout.core.traffic.KubernetesConnection;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.WebhookRouter;
import java.util.Optional;

/**
 * Builds the router and the metrics source an endpoint file describes, with the secrets taken from the environment
 * variables it names. A variable that is not set is bad input naming the field; no secret ever appears in a message.
 */
final class Connectors {

    private Connectors() {}

    static TrafficRouter router(EndpointFile endpoint, Environment env, String source) throws InputException {
        return router(endpoint, secret -> credential(secret, env, source), source);
    }

    /**
     * The router as {@link #router} builds it, checking the same settings, but without its credential: for validate,
     * which contacts nothing and reads no credential variable.
     */
    static TrafficRouter routerWithoutCredential(EndpointFile endpoint, String source) throws InputException {
        return router(endpoint, secret -> Credential.NONE, source);
    }

    /** How a router gets its credential from the endpoint file's secret. */
    @FunctionalInterface
    private interface Credentials {
        Credential of(Optional<EndpointFile.Secret> secret) throws InputException;
    }

    private static TrafficRouter router(EndpointFile endpoint, Credentials credentials, String source)
            throws InputException {
        try {
            EndpointFile.Router router = endpoint.router();
            if (router instanceof EndpointFile.Webhook webhook) {
                return new WebhookRouter(webhook.url(), credentials.of(webhook.credential()), webhook.http());
            }
            if (router instanceof EndpointFile.Istio istio) {
                return new IstioRouter(
                        connection(istio.connection(), credentials),
                        istio.virtualService(),
                        istio.httpRouteName(),
                        istio.baseline(),
                        istio.canary());
            }
            if (router instanceof EndpointFile.GatewayApi gateway) {
                return new GatewayApiRouter(
                        connection(gateway.connection(), credentials),
                        gateway.httpRoute(),
                        gateway.ruleIndex(),
                        gateway.baselineBackend(),
                        gateway.canaryBackend());
            }
            EndpointFile.KServe kserve = (EndpointFile.KServe) router;
            return new KServeRouter(connection(kserve.connection(), credentials), kserve.inferenceService());
        } catch (IllegalArgumentException refused) {
            // The router classes check their own parameters and name the one they refuse.
            throw new InputException(source, "router", refused.getMessage());
        }
    }

    static MetricsSource metrics(EndpointFile endpoint, Environment env, String source) throws InputException {
        EndpointFile.Prometheus prometheus = endpoint.prometheus();
        Credential credential = credential(prometheus.credential(), env, source);
        try {
            return env.metrics().create(prometheus, credential);
        } catch (IllegalArgumentException refused) {
            throw new InputException(source, "prometheus", refused.getMessage());
        }
    }

    private static KubernetesConnection connection(EndpointFile.Kubernetes k8s, Credentials credentials)
            throws InputException {
        return new KubernetesConnection(
                k8s.apiServer(), credentials.of(k8s.credential()), k8s.namespace(), k8s.http(), k8s.caCertificatePem());
    }

    static Credential credential(Optional<EndpointFile.Secret> secret, Environment env, String source)
            throws InputException {
        if (secret.isEmpty()) {
            return Credential.NONE;
        }
        if (secret.get() instanceof EndpointFile.BearerToken token) {
            return new Credential.Bearer(value(token.variable(), token.field(), env, source));
        }
        EndpointFile.BasicAuth basic = (EndpointFile.BasicAuth) secret.get();
        return new Credential.Basic(basic.username(), value(basic.passwordVariable(), basic.field(), env, source));
    }

    private static String value(String variable, String field, Environment env, String source) throws InputException {
        return env.variable(variable)
                .orElseThrow(() -> new InputException(
                        source, field, "the environment variable " + variable + " is not set or is empty"));
    }
}

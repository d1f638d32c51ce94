package io.mlrollout.cli;

import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.notify.NotificationSettings;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.tier.TierFloors;
import io.mlrollout.core.traffic.IstioRouter;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint as its owners describe it for the command line, the counterpart of the endpoint an administrator
 * configures in Jenkins: its router, its Prometheus, and the sign-off rules every rollout on it must meet at least.
 * Secrets are not in it: it names the environment variables that hold them. Read by {@link EndpointFileParser}; the
 * format is documented in {@code docs/cli.md}.
 *
 * @param name the endpoint's name, as policies name it
 * @param router how its traffic is split
 * @param prometheus where its metrics are
 * @param signOff the approvers, minimum quorum and self-approval rule a policy may tighten but not loosen
 * @param deprecations one hint per old spelling the file uses, e.g. {@code router.apiServer: ... use kubernetesUrl}
 * @param calendar the deployment windows and freezes every rollout on it respects ({@code schedule:})
 * @param notifications where its rollouts' notifications go, the URLs named by {@code urlEnv} or {@code urlFile}
 * @param tiers the floors a pipeline's risk tiers cannot lower ({@code tiers:})
 * @param windowOverriders the user ids and group names who may open the deployment window early with {@code mlrollout
 *     open-window} ({@code schedule.overriders}); empty: nobody may, from the command line
 */
public record EndpointFile(
        String name,
        Router router,
        Prometheus prometheus,
        EndpointSignOffBounds signOff,
        List<String> deprecations,
        DeploymentCalendar calendar,
        NotificationSettings notifications,
        TierFloors tiers,
        List<String> windowOverriders) {

    public EndpointFile {
        deprecations = List.copyOf(deprecations);
        windowOverriders = List.copyOf(windowOverriders);
        Objects.requireNonNull(calendar, "calendar");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(tiers, "tiers");
    }

    /** An endpoint whose window nobody may open early from the command line. */
    public EndpointFile(
            String name,
            Router router,
            Prometheus prometheus,
            EndpointSignOffBounds signOff,
            List<String> deprecations,
            DeploymentCalendar calendar,
            NotificationSettings notifications,
            TierFloors tiers) {
        this(name, router, prometheus, signOff, deprecations, calendar, notifications, tiers, List.of());
    }

    /** An endpoint without tier floors. */
    public EndpointFile(
            String name,
            Router router,
            Prometheus prometheus,
            EndpointSignOffBounds signOff,
            List<String> deprecations,
            DeploymentCalendar calendar,
            NotificationSettings notifications) {
        this(name, router, prometheus, signOff, deprecations, calendar, notifications, TierFloors.none());
    }

    /** A router's settings; the keys are the parameters of the router classes in {@code io.mlrollout.core.traffic}. */
    public sealed interface Router permits Webhook, Istio, GatewayApi, KServe {}

    /** {@code type: webhook}: our JSON contract at {@code {url}/traffic}. */
    public record Webhook(URI url, Optional<Secret> credential, HttpSettings http) implements Router {}

    /** What the Kubernetes routers share: the API server, the namespace and how to authenticate. */
    public record Kubernetes(
            URI apiServer,
            String namespace,
            Optional<Secret> credential,
            Optional<String> caCertificatePem,
            HttpSettings http) {}

    /** {@code type: istio}: two destinations of one HTTP route of a VirtualService. */
    public record Istio(
            Kubernetes connection,
            String virtualService,
            Optional<String> httpRouteName,
            IstioRouter.Destination baseline,
            IstioRouter.Destination canary)
            implements Router {}

    /** {@code type: gateway-api}: two backends of one rule of an HTTPRoute. */
    public record GatewayApi(
            Kubernetes connection, String httpRoute, int ruleIndex, String baselineBackend, String canaryBackend)
            implements Router {}

    /** {@code type: kserve}: an InferenceService's {@code canaryTrafficPercent} (Serverless mode). */
    public record KServe(Kubernetes connection, String inferenceService) implements Router {}

    /** The Prometheus-compatible server the metrics are read from. */
    public record Prometheus(URI url, String namespace, Optional<Secret> credential, HttpSettings http) {}

    /**
     * Where a credential's secret is: the name of an environment variable, never the value.
     *
     * @param field the field path that named it, for errors
     */
    public sealed interface Secret permits BearerToken, BasicAuth {
        String field();
    }

    /** {@code tokenEnv: NAME}: a bearer token in the variable {@code NAME}. */
    public record BearerToken(String variable, String field) implements Secret {}

    /** {@code username: u, passwordEnv: NAME}: basic auth, the password in the variable {@code NAME}. */
    public record BasicAuth(String username, String passwordVariable, String field) implements Secret {}
}

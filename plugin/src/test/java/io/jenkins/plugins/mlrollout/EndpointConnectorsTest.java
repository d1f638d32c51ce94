package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mockStatic;

import io.jenkins.plugins.okhttp.api.JenkinsOkHttpClient;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.GatewayApiRouter;
import io.mlrollout.core.traffic.IstioRouter;
import io.mlrollout.core.traffic.KServeRouter;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.WebhookRouter;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

/** Each router kind an administrator can pick becomes the matching connector, pointed where the settings say. */
class EndpointConnectorsTest {

    private static final String API = "https://kubernetes.default.svc";
    private static final Credential TOKEN = new Credential.Bearer("s3cr3t-token");

    /** okhttp-api's client builder as it is without a proxy: the connectors build their clients through it. */
    private MockedStatic<JenkinsOkHttpClient> okhttpApi;

    @BeforeEach
    void okhttpApi() {
        okhttpApi = mockStatic(JenkinsOkHttpClient.class);
        okhttpApi
                .when(() -> JenkinsOkHttpClient.newClientBuilder(any()))
                .thenAnswer(call -> call.<OkHttpClient>getArgument(0).newBuilder());
    }

    @AfterEach
    void close() {
        okhttpApi.close();
    }

    private static ModelEndpoint endpoint(RouterSettings router) {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        endpoint.setRouter(router);
        endpoint.setPrometheusUrl("http://prometheus.monitoring:9090");
        endpoint.setNamespace("ml");
        return endpoint;
    }

    private static TrafficRouter router(RouterSettings settings) {
        return new EndpointConnectors().router(endpoint(settings), TOKEN);
    }

    @Test
    void aWebhookEndpointGetsTheWebhookRouter() {
        TrafficRouter router = router(new WebhookRouterSettings("http://router.ml:8080"));

        assertThat(router).isInstanceOf(WebhookRouter.class);
        assertThat(router.describe()).isEqualTo("webhook http://router.ml:8080");
    }

    @Test
    void anIstioEndpointGetsTheVirtualServiceAndRouteItNames() {
        IstioRouterSettings istio = new IstioRouterSettings(API, "ml", "fraud-vs", "fraud-scorer", "fraud-scorer");
        istio.setRouteName("primary");
        istio.setBaselineSubset("v1");
        istio.setCanarySubset("v2");

        TrafficRouter router = router(istio);

        assertThat(router).isInstanceOf(IstioRouter.class);
        assertThat(router.describe())
                .contains("VirtualService fraud-vs route primary")
                .contains(API);
    }

    @Test
    void aGatewayApiEndpointGetsTheHttpRouteAndRule() {
        GatewayApiRouterSettings gateway =
                new GatewayApiRouterSettings(API, "ml", "fraud-route", "fraud-v1", "fraud-v2");
        gateway.setRuleIndex(2);

        TrafficRouter router = router(gateway);

        assertThat(router).isInstanceOf(GatewayApiRouter.class);
        assertThat(router.describe()).contains("HTTPRoute fraud-route rule 2").contains("namespace ml");
    }

    @Test
    void aKServeEndpointGetsTheInferenceService() {
        TrafficRouter router = router(new KServeRouterSettings(API, "models", "fraud-isvc"));

        assertThat(router).isInstanceOf(KServeRouter.class);
        assertThat(router.describe()).contains("InferenceService fraud-isvc").contains("namespace models");
    }

    @Test
    void theMetricsSourceIsTheEndpointsPrometheusWithItsNamespaceAndNeverShowsTheSecret() {
        String source = new EndpointConnectors()
                .metrics(endpoint(new WebhookRouterSettings("http://router.ml:8080")), TOKEN)
                .toString();

        assertThat(source)
                .contains("http://prometheus.monitoring:9090")
                .contains("namespace ml")
                .doesNotContain("s3cr3t-token");
    }
}

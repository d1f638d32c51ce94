package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mockStatic;

import io.jenkins.plugins.okhttp.api.JenkinsOkHttpClient;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.TrafficRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

/**
 * The connectors' HTTP goes through okhttp-api's {@link JenkinsOkHttpClient}, so the proxy Jenkins is configured with
 * carries router calls and a no-proxy host is reached directly. okhttp-api is not on Maven Central, so its builder is
 * stood in for by one that does what it documents: a proxy selector answering from Jenkins' proxy configuration, here a
 * proxy at {@link #proxy} with {@link #noProxyHosts}. (That okhttp-api itself loads and links with the plugin is checked
 * in a real Jenkins; see docs/jenkins.md.)
 */
class JenkinsHttpTest {

    private static final String SPLIT = "{\"baseline\":\"v1\",\"canary\":\"v2\",\"canaryWeight\":0,\"ready\":true}";

    private final MockWebServer proxy = new MockWebServer();
    private final MockWebServer router = new MockWebServer();
    private Set<String> noProxyHosts = Set.of();
    private MockedStatic<JenkinsOkHttpClient> okhttpApi;

    /** What Jenkins' proxy configuration answers: the proxy for every host but the no-proxy ones. */
    private final ProxySelector jenkinsProxy = new ProxySelector() {
        @Override
        public List<Proxy> select(URI uri) {
            if (noProxyHosts.contains(uri.getHost())) {
                return List.of(Proxy.NO_PROXY);
            }
            return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxy.getHostName(), proxy.getPort())));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {}
    };

    @BeforeEach
    void start() throws IOException {
        proxy.start();
        router.start();
        okhttpApi = mockStatic(JenkinsOkHttpClient.class);
        okhttpApi
                .when(() -> JenkinsOkHttpClient.newClientBuilder(any()))
                .thenAnswer(
                        call -> call.<OkHttpClient>getArgument(0).newBuilder().proxySelector(jenkinsProxy));
    }

    @AfterEach
    void stop() {
        okhttpApi.close();
        proxy.close();
        router.close();
    }

    private static MockResponse split() {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body(SPLIT)
                .build();
    }

    @Test
    void aRouterCallGoesThroughTheProxyJenkinsIsConfiguredWith() throws Exception {
        proxy.enqueue(split());
        TrafficRouter webhook = new WebhookRouterSettings("http://router.example.invalid:8080").router(Credential.NONE);

        assertThat(webhook.current().canary()).isEqualTo("v2");

        RecordedRequest request = proxy.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("the proxy got the call").isNotNull();
        assertThat(request.getRequestLine())
                .as("a proxy's request line")
                .contains("http://router.example.invalid:8080/");
        assertThat(router.getRequestCount()).isZero();
    }

    @Test
    void aNoProxyHostIsCalledDirectly() throws Exception {
        noProxyHosts = Set.of(router.getHostName());
        router.enqueue(split());
        TrafficRouter webhook = new WebhookRouterSettings(router.url("/").toString()).router(Credential.NONE);

        assertThat(webhook.current().canary()).isEqualTo("v2");

        assertThat(router.getRequestCount()).isEqualTo(1);
        assertThat(proxy.getRequestCount()).as("nothing went through the proxy").isZero();
    }

    @Test
    void prometheusClientsAreBuiltTheSameWay() throws Exception {
        ModelEndpoint endpoint = new ModelEndpoint("fraud-scorer");
        endpoint.setRouter(new WebhookRouterSettings("http://router.example.invalid:8080"));
        endpoint.setPrometheusUrl("http://prometheus.example.invalid:9090");

        new EndpointConnectors().metrics(endpoint, Credential.NONE);

        okhttpApi.verify(() -> JenkinsOkHttpClient.newClientBuilder(any()));
    }
}

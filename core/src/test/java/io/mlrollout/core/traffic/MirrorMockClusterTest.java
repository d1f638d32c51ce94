package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.mlrollout.core.traffic.IstioRouter.Destination;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow stages against the fabric8 mock API server in CRUD mode: the patches must really set the mirror on the stored
 * object, and a shift or a rollback must really remove it, leaving the object as it was.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class MirrorMockClusterTest {

    private static final ResourceDefinitionContext VIRTUAL_SERVICE =
            MockCluster.kind("networking.istio.io", "v1", "virtualservices", "VirtualService");
    private static final ResourceDefinitionContext HTTP_ROUTE =
            MockCluster.kind("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");

    KubernetesClient client;
    private MockCluster cluster;
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @BeforeEach
    void connect() {
        cluster = new MockCluster(client);
        cluster.create(VIRTUAL_SERVICE, virtualService());
        cluster.create(HTTP_ROUTE, httpRoute());
    }

    private static JsonNode virtualService() {
        return q("{'apiVersion':'networking.istio.io/v1','kind':'VirtualService',"
                + "'metadata':{'name':'fraud','namespace':'ml'},"
                + "'spec':{'hosts':['fraud'],'http':[{'name':'primary','route':["
                + "{'destination':{'host':'fraud','subset':'v1'},'weight':100},"
                + "{'destination':{'host':'fraud','subset':'v2'},'weight':0}]}]}}");
    }

    /** A rule that already has a filter of its own, which a shadow stage must leave alone. */
    private static JsonNode httpRoute() {
        return q("{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
                + "'metadata':{'name':'fraud','namespace':'ml'},"
                + "'spec':{'parentRefs':[{'name':'inference-gateway'}],'rules':[{"
                + "'filters':[{'type':'RequestHeaderModifier','requestHeaderModifier':{'set':[{'name':'x-model','value':'fraud'}]}}],"
                + "'backendRefs':[{'name':'fraud-v1','port':8080,'weight':100},"
                + "{'name':'fraud-v2','namespace':'ml','port':8081,'weight':0}]}]}}");
    }

    private IstioRouter istio() {
        return new IstioRouter(
                cluster.connection(),
                "fraud",
                Optional.of("primary"),
                Destination.subset("fraud", "v1"),
                Destination.subset("fraud", "v2"),
                sleeper);
    }

    private GatewayApiRouter gateway() {
        return new GatewayApiRouter(cluster.connection(), "fraud", 0, "fraud-v1", "fraud-v2", sleeper);
    }

    @Test
    void istioMirrorsThenAShiftRemovesTheMirror() throws Exception {
        IstioRouter router = istio();

        assertThat(router.mirror("v2", 20)).isEqualTo(new TrafficSplit("v1", "v2", 0, true, 20));
        JsonNode route = cluster.stored(VIRTUAL_SERVICE, "fraud").at("/spec/http/0");
        assertThat(route.get("mirror")).isEqualTo(q("{'host':'fraud','subset':'v2'}"));
        assertThat(route.at("/mirrorPercentage/value").asDouble()).isEqualTo(20.0);
        assertThat(router.current().mirrorPercent()).isEqualTo(20);

        assertThat(router.shift("v2", 5)).isEqualTo(new TrafficSplit("v1", "v2", 5, true, 0));
        JsonNode expected = virtualService().get("spec").deepCopy();
        ((ObjectNode) expected.at("/http/0/route/0")).put("weight", 95);
        ((ObjectNode) expected.at("/http/0/route/1")).put("weight", 5);
        assertThat(cluster.stored(VIRTUAL_SERVICE, "fraud").get("spec")).isEqualTo(expected);
    }

    @Test
    void istioRollbackFromAShadowStageLeavesTheServiceAsItWas() throws Exception {
        IstioRouter router = istio();
        router.mirror("v2", 50);

        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("v1", "v2", 0, true, 0));
        assertThat(cluster.stored(VIRTUAL_SERVICE, "fraud").get("spec"))
                .isEqualTo(virtualService().get("spec"));
    }

    @Test
    void gatewayApiAddsARequestMirrorFilterToTheCanaryBackendAndAShiftRemovesIt() throws Exception {
        GatewayApiRouter router = gateway();

        assertThat(router.mirror("v2", 20)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true, 20));
        JsonNode filters = cluster.stored(HTTP_ROUTE, "fraud").at("/spec/rules/0/filters");
        assertThat(filters).hasSize(2);
        assertThat(filters.get(0)).isEqualTo(httpRoute().at("/spec/rules/0/filters/0"));
        assertThat(filters.get(1))
                .isEqualTo(q("{'type':'RequestMirror','requestMirror':{"
                        + "'backendRef':{'name':'fraud-v2','namespace':'ml','port':8081},'percent':20}}"));

        assertThat(router.mirror("v2", 40).mirrorPercent())
                .as("a larger shadow stage")
                .isEqualTo(40);
        assertThat(cluster.stored(HTTP_ROUTE, "fraud").at("/spec/rules/0/filters"))
                .hasSize(2);

        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true, 0));
        assertThat(cluster.stored(HTTP_ROUTE, "fraud").get("spec"))
                .isEqualTo(httpRoute().get("spec"));
    }
}

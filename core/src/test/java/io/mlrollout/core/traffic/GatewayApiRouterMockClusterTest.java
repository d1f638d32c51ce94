package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gateway API router against the fabric8 mock API server in CRUD mode: shifts must really change the stored
 * HTTPRoute's backend weights, and nothing else. (No real API server can run on our build machines; see
 * {@link MockCluster}.)
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GatewayApiRouterMockClusterTest {

    private static final ResourceDefinitionContext HTTP_ROUTE =
            MockCluster.kind("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");

    KubernetesClient client;
    private MockCluster cluster;
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @BeforeEach
    void connect() {
        cluster = new MockCluster(client);
        cluster.create(HTTP_ROUTE, route());
    }

    /** Before any rollout: the baseline takes everything by default weight, the canary is listed with weight 0. */
    private static JsonNode route() {
        return q("{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
                + "'metadata':{'name':'fraud','namespace':'ml'},"
                + "'spec':{'parentRefs':[{'name':'inference-gateway'}],'hostnames':['fraud.example.com'],'rules':[{"
                + "'matches':[{'path':{'type':'PathPrefix','value':'/v1/models/fraud'}}],"
                + "'backendRefs':[{'name':'fraud-v1','port':8080},{'name':'fraud-v2','port':8080,'weight':0}]}]}}");
    }

    private GatewayApiRouter router() {
        return new GatewayApiRouter(cluster.connection(), "fraud", 0, "fraud-v1", "fraud-v2", sleeper);
    }

    @Test
    void shiftsChangeOnlyTheBackendWeightsOfTheStoredRoute() throws Exception {
        GatewayApiRouter router = router();

        assertThat(router.current()).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true));
        assertThat(router.shift("fraud-scorer-abc1234", 5))
                .isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 5, true));

        JsonNode expected = route().get("spec").deepCopy();
        ((ObjectNode) expected.at("/rules/0/backendRefs/0")).put("weight", 95);
        ((ObjectNode) expected.at("/rules/0/backendRefs/1")).put("weight", 5);
        assertThat(cluster.stored(HTTP_ROUTE, "fraud").get("spec")).isEqualTo(expected);
    }

    @Test
    void stagesThenPromotionThenRollback() throws Exception {
        GatewayApiRouter router = router();

        for (int weight : new int[] {5, 25, 50, 100}) {
            assertThat(router.shift("v2", weight).canaryWeight()).isEqualTo(weight);
            JsonNode backends = cluster.stored(HTTP_ROUTE, "fraud").at("/spec/rules/0/backendRefs");
            assertThat(backends.get(0).get("weight").asInt()).isEqualTo(100 - weight);
            assertThat(backends.get(1).get("weight").asInt()).isEqualTo(weight);
        }
        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true));
        assertThat(cluster.stored(HTTP_ROUTE, "fraud")
                        .at("/spec/rules/0/backendRefs/0/weight")
                        .asInt())
                .isEqualTo(100);
        assertThat(sleeper.pauses).isEmpty();
    }
}

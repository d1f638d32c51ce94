package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.mlrollout.core.traffic.IstioRouter.Destination;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Istio router against the fabric8 mock API server in CRUD mode: shifts must really change the stored
 * VirtualService, and nothing else in it. (No real API server can run on our build machines; see {@link MockCluster}.)
 */
@EnableKubernetesMockClient(crud = true, https = false)
class IstioRouterMockClusterTest {

    private static final ResourceDefinitionContext V1 =
            MockCluster.kind("networking.istio.io", "v1", "virtualservices", "VirtualService");
    private static final ResourceDefinitionContext V1BETA1 =
            MockCluster.kind("networking.istio.io", "v1beta1", "virtualservices", "VirtualService");

    KubernetesClient client;
    private MockCluster cluster;
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @BeforeEach
    void connect() {
        cluster = new MockCluster(client);
    }

    private static JsonNode virtualService(String apiVersion) {
        return q("{'apiVersion':'networking.istio.io/" + apiVersion + "','kind':'VirtualService',"
                + "'metadata':{'name':'fraud','namespace':'ml'},"
                + "'spec':{'hosts':['fraud.ml.svc.cluster.local'],'gateways':['mesh'],'http':["
                + "{'name':'debug','match':[{'headers':{'x-debug':{'exact':'1'}}}],"
                + "'route':[{'destination':{'host':'fraud','subset':'v2'}}]},"
                + "{'name':'primary','retries':{'attempts':2},'route':["
                + "{'destination':{'host':'fraud','subset':'v1','port':{'number':8080}},'weight':100},"
                + "{'destination':{'host':'fraud','subset':'v2','port':{'number':8080}},'weight':0}]}]}}");
    }

    private IstioRouter router() {
        return new IstioRouter(
                cluster.connection(),
                "fraud",
                Optional.of("primary"),
                Destination.subset("fraud", "v1"),
                Destination.subset("fraud", "v2"),
                sleeper);
    }

    @Test
    void shiftsChangeOnlyTheTwoWeightsOfTheStoredVirtualService() throws Exception {
        cluster.create(V1, virtualService("v1"));
        IstioRouter router = router();

        assertThat(router.current()).isEqualTo(new TrafficSplit("v1", "v2", 0, true));
        assertThat(router.shift("fraud-scorer-abc1234", 25)).isEqualTo(new TrafficSplit("v1", "v2", 25, true));

        JsonNode stored = cluster.stored(V1, "fraud");
        JsonNode expected = virtualService("v1").deepCopy();
        ((ObjectNode) expected.at("/spec/http/1/route/0")).put("weight", 75);
        ((ObjectNode) expected.at("/spec/http/1/route/1")).put("weight", 25);
        assertThat(stored.get("spec")).isEqualTo(expected.get("spec"));
    }

    @Test
    void promotionAndRollbackMoveAllTrafficAndARepeatedRollbackIsHarmless() throws Exception {
        cluster.create(V1, virtualService("v1"));
        IstioRouter router = router();

        assertThat(router.shift("v2", 100)).isEqualTo(new TrafficSplit("v1", "v2", 100, true));
        assertThat(cluster.stored(V1, "fraud").at("/spec/http/1/route/0/weight").asInt())
                .isZero();
        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("v1", "v2", 0, true));
        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("v1", "v2", 0, true));

        JsonNode route = cluster.stored(V1, "fraud").at("/spec/http/1/route");
        assertThat(route.get(0).get("weight").asInt()).isEqualTo(100);
        assertThat(route.get(1).get("weight").asInt()).isZero();
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void findsAVirtualServiceServedOnlyAsV1beta1() throws Exception {
        cluster.create(V1BETA1, virtualService("v1beta1"));

        assertThat(router().shift("v2", 50)).isEqualTo(new TrafficSplit("v1", "v2", 50, true));
        assertThat(cluster.stored(V1BETA1, "fraud")
                        .at("/spec/http/1/route/1/weight")
                        .asInt())
                .isEqualTo(50);
    }

    @Test
    void theTestGuardsStopAPatchBuiltFromAStaleRead() throws Exception {
        cluster.create(V1, virtualService("v1"));
        IstioRouter router = router();
        JsonNode read = router.read();
        WeightedPair pair = router.locate(read);
        // Meanwhile someone swaps the two destinations: the indices we read now point at the other subset.
        JsonNode swapped = virtualService("v1").deepCopy();
        ArrayNode route = (ArrayNode) swapped.at("/spec/http/1/route");
        JsonNode first = route.remove(0);
        route.add(first);
        client.genericKubernetesResources(V1)
                .inNamespace(MockCluster.NAMESPACE)
                .withName("fraud")
                .edit(stored -> {
                    stored.setAdditionalProperty(
                            "spec",
                            client.getKubernetesSerialization().convertValue(swapped.get("spec"), Object.class));
                    return stored;
                });

        // A real API server answers 422 (the patch did not apply); the mock never answers, so the call times out.
        TrafficException refused =
                FakeApiServer.failure(() -> router.patch(pair.patchTo(25)), TrafficException.Kind.TRANSIENT);

        assertThat(refused.getMessage()).contains("no answer within");
        assertThat(cluster.stored(V1, "fraud").get("spec")).isEqualTo(swapped.get("spec"));
        // The router's own retry starts from a fresh read and finds the destinations where they are now.
        assertThat(router.shift("v2", 25)).isEqualTo(new TrafficSplit("v1", "v2", 25, true));
        assertThat(cluster.stored(V1, "fraud")
                        .at("/spec/http/1/route/0/destination/subset")
                        .asText())
                .isEqualTo("v2");
        assertThat(cluster.stored(V1, "fraud").at("/spec/http/1/route/0/weight").asInt())
                .isEqualTo(25);
    }

    @Test
    void aMissingVirtualServiceIsRejected() {
        assertThat(FakeApiServer.failure(() -> router().current(), TrafficException.Kind.REJECTED)
                        .getMessage())
                .contains("\"fraud\" in namespace \"ml\" was not found");
    }
}

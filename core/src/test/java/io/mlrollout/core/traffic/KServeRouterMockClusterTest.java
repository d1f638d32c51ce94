package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KServe router against the fabric8 mock API server in CRUD mode, with {@link SimulatedKServeController} standing
 * in for KServe (a simulation: no API server, let alone KServe, can run on our build machines). Patches must really
 * change the stored InferenceService, and the split must follow the status the controller writes.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KServeRouterMockClusterTest {

    private static final ResourceDefinitionContext ISVC =
            MockCluster.kind("serving.kserve.io", "v1beta1", "inferenceservices", "InferenceService");
    private static final String REV1 = "fraud-predictor-00001";
    private static final String REV2 = "fraud-predictor-00002";

    KubernetesClient client;
    private MockCluster cluster;
    private SimulatedKServeController kserve;
    private KServeRouter router;
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @BeforeEach
    void deployTheBaseline() {
        cluster = new MockCluster(client);
        cluster.create(
                ISVC,
                q("{'apiVersion':'serving.kserve.io/v1beta1','kind':'InferenceService',"
                        + "'metadata':{'name':'fraud','namespace':'ml',"
                        + "'annotations':{'serving.kserve.io/deploymentMode':'Serverless'}},"
                        + "'spec':{'predictor':{'model':{'modelFormat':{'name':'sklearn'},"
                        + "'storageUri':'gs://models/fraud/1'}}}}"));
        kserve = new SimulatedKServeController(client, ISVC, "fraud");
        kserve.reconcile();
        router = new KServeRouter(cluster.connection(), "fraud", sleeper);
    }

    /** What the pipeline does before the rollout: apply the candidate's spec with the canary at 0%. */
    private void applyCandidate(String storageUri) {
        client.genericKubernetesResources(ISVC)
                .inNamespace(MockCluster.NAMESPACE)
                .withName("fraud")
                .edit(isvc -> {
                    isvc.setAdditionalProperty(
                            "spec",
                            Map.of(
                                    "predictor",
                                    Map.of(
                                            "canaryTrafficPercent",
                                            0,
                                            "model",
                                            Map.of(
                                                    "modelFormat",
                                                    Map.of("name", "sklearn"),
                                                    "storageUri",
                                                    storageUri))));
                    return isvc;
                });
        kserve.reconcile();
    }

    private JsonNode storedCanaryPercent() {
        return cluster.stored(ISVC, "fraud").at("/spec/predictor/canaryTrafficPercent");
    }

    @Test
    void stagesThenPromotion() throws Exception {
        applyCandidate("gs://models/fraud/2");
        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 0, true));

        for (int weight : new int[] {5, 25, 50}) {
            // Until KServe has reconciled, the status still shows the old split: not ready.
            assertThat(router.shift("fraud-scorer-abc1234", weight).ready()).isFalse();
            assertThat(storedCanaryPercent().asInt()).isEqualTo(weight);
            kserve.reconcile();
            assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, weight, true));
        }

        router.shift("fraud-scorer-abc1234", 100);
        // A real API server deletes the field; the mock stores the merge patch's null. Both mean "no canary".
        assertThat(storedCanaryPercent().isNull() || storedCanaryPercent().isMissingNode())
                .as("canaryTrafficPercent removed, got %s", storedCanaryPercent())
                .isTrue();
        kserve.reconcile();
        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 100, true));
        assertThat(cluster.stored(ISVC, "fraud").at("/status/components/predictor/traffic"))
                .isEqualTo(q("[{'latestRevision':true,'revisionName':'" + REV2 + "','percent':100}]"));
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void rollbackPinsThePreviousRevisionAndCanBeRepeated() throws Exception {
        applyCandidate("gs://models/fraud/2");
        router.shift("v2", 25);
        kserve.reconcile();

        router.shift("v2", 0);
        assertThat(storedCanaryPercent().asInt()).isZero();
        kserve.reconcile();
        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 0, true));
        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit(REV1, REV2, 0, true));
        assertThat(cluster.stored(ISVC, "fraud").at("/status/components/predictor/traffic/1"))
                .isEqualTo(q("{'tag':'prev','latestRevision':false,'revisionName':'" + REV1 + "','percent':100}"));
    }

    @Test
    void aCandidateThatNeverBecomesReadyNeverReportsReady() throws Exception {
        kserve.failToLoad("gs://models/fraud/2");
        applyCandidate("gs://models/fraud/2");

        router.shift("v2", 25);
        kserve.reconcile();

        TrafficSplit split = router.current();
        assertThat(split.canary()).isEqualTo(REV2);
        assertThat(split.ready()).isFalse();
    }

    @Test
    void aServiceInRawDeploymentModeIsRefusedAndLeftAlone() {
        cluster.create(
                ISVC,
                q("{'apiVersion':'serving.kserve.io/v1beta1','kind':'InferenceService',"
                        + "'metadata':{'name':'scorer-raw','namespace':'ml',"
                        + "'annotations':{'serving.kserve.io/deploymentMode':'RawDeployment'}},"
                        + "'spec':{'predictor':{'model':{'storageUri':'gs://models/scorer/1'}}},"
                        + "'status':{'deploymentMode':'Standard'}}"));
        KServeRouter raw = new KServeRouter(cluster.connection(), "scorer-raw", sleeper);

        assertThat(FakeApiServer.failure(() -> raw.shift("v2", 25), Kind.REJECTED)
                        .getMessage())
                .contains("deployment mode Standard");
        assertThat(cluster.stored(ISVC, "scorer-raw").at("/spec/predictor").has("canaryTrafficPercent"))
                .isFalse();
    }
}

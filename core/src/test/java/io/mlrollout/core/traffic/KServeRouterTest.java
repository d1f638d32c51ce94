package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.FakeApiServer.failure;
import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.time.Duration;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KServeRouterTest {

    private static final String PATH = "/apis/serving.kserve.io/v1beta1/namespaces/ml/inferenceservices/fraud";
    private static final String REV1 = "fraud-predictor-00001";
    private static final String REV2 = "fraud-predictor-00002";

    private final FakeApiServer api = new FakeApiServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final KServeRouter router = new KServeRouter(api.connection(), "fraud", sleeper);

    KServeRouterTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    /** An InferenceService while a canary runs, shaped like KServe's documented status. */
    private static JsonNode service(int canaryPercent, String latestReady, long generation, long observed) {
        String traffic = "{'tag':'latest','latestRevision':true,'revisionName':'" + latestReady + "','percent':"
                + canaryPercent + ",'url':'http://latest-fraud-predictor.ml.example.com'}"
                + (canaryPercent < 100
                        ? ",{'tag':'prev','latestRevision':false,'revisionName':'" + REV1 + "','percent':"
                                + (100 - canaryPercent) + "}"
                        : "");
        return q("{'apiVersion':'serving.kserve.io/v1beta1','kind':'InferenceService',"
                + "'metadata':{'name':'fraud','namespace':'ml','generation':" + generation + "},"
                + "'spec':{'predictor':{'canaryTrafficPercent':" + canaryPercent + ","
                + "'model':{'modelFormat':{'name':'sklearn'},'storageUri':'gs://models/fraud/2'}}},"
                + "'status':{'deploymentMode':'Serverless','observedGeneration':" + observed + ","
                + "'components':{'predictor':{'latestCreatedRevision':'" + REV2 + "','latestReadyRevision':'"
                + latestReady + "','latestRolledoutRevision':'" + REV1 + "','previousRolledoutRevision':'" + REV1
                + "','traffic':[" + traffic + "]}}}}");
    }

    private static JsonNode service(int canaryPercent) {
        return service(canaryPercent, REV2, 3, 3);
    }

    @Test
    void readsTheSplitFromThePredictorsRevisionTraffic() throws Exception {
        api.answer(200, service(10));

        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 10, true));

        RecordedRequest get = api.take();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getTarget()).isEqualTo(PATH);
    }

    @ParameterizedTest
    @CsvSource(
            quoteCharacter = '"',
            value = {
                "25, {'spec':{'predictor':{'canaryTrafficPercent':25}}}",
                "1, {'spec':{'predictor':{'canaryTrafficPercent':1}}}",
                "0, {'spec':{'predictor':{'canaryTrafficPercent':0}}}",
                "100, {'spec':{'predictor':{'canaryTrafficPercent':null}}}"
            })
    void shiftSendsAMergePatchOfCanaryTrafficPercentThenReadsBack(int weight, String expectedPatch) throws Exception {
        api.answer(200, service(10));
        api.answer(202, "");
        api.answer(200, service(weight));

        assertThat(router.shift("fraud-scorer-abc1234", weight).canaryWeight()).isEqualTo(weight);

        assertThat(api.take().getMethod()).isEqualTo("GET");
        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getTarget()).isEqualTo(PATH);
        assertThat(patch.getHeaders().get("Content-Type")).isEqualTo("application/merge-patch+json");
        assertThat(body(patch)).isEqualTo(q(expectedPatch));
        RecordedRequest readBack = api.take();
        assertThat(readBack.getMethod()).isEqualTo("GET");
        assertThat(readBack.getTarget()).isEqualTo(PATH);
    }

    @Test
    void theStatusIsNotReadyUntilKServeObservedThePatchedGeneration() throws Exception {
        api.answer(200, service(10));
        api.answer(200, "");
        api.answer(200, service(10, REV2, 4, 3)); // spec patched (generation 4), status still from generation 3

        assertThat(router.shift("v2", 25)).isEqualTo(new TrafficSplit(REV1, REV2, 10, false));
    }

    @Test
    void aNewestRevisionThatIsNotReadyMakesTheSplitNotReady() throws Exception {
        api.answer(200, service(25, REV1, 3, 3));

        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 25, false));
    }

    /**
     * A rollback of a candidate whose revision never became ready: once KServe observed the 0%, nothing waits on that
     * revision, so the split is ready (the engine waits for a rollback to be ready before calling it done).
     */
    @Test
    void aZeroSplitIsReadyOnceObservedEvenIfTheNewestRevisionNeverBecameReady() throws Exception {
        api.answer(200, service(0, REV1, 4, 4));

        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 0, true));
    }

    @Test
    void afterPromotionTheBaselineIsThePreviouslyRolledOutRevision() throws Exception {
        api.answer(
                200,
                q("{'metadata':{'generation':5},'spec':{'predictor':{'canaryTrafficPercent':null}},"
                        + "'status':{'deploymentMode':'Knative','observedGeneration':5,'components':{'predictor':{"
                        + "'latestCreatedRevision':'" + REV2 + "','latestReadyRevision':'" + REV2 + "',"
                        + "'latestRolledoutRevision':'" + REV2 + "','previousRolledoutRevision':'" + REV1 + "',"
                        + "'traffic':[{'latestRevision':true,'revisionName':'" + REV2 + "','percent':100}]}}}}"));

        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 100, true));
    }

    @Test
    void nullStatusFieldsCountAsAbsent() throws Exception {
        api.answer(
                200,
                q("{'status':{'deploymentMode':null,'observedGeneration':null,'components':{'predictor':{"
                        + "'latestCreatedRevision':'" + REV2 + "','latestReadyRevision':'" + REV2 + "',"
                        + "'previousRolledoutRevision':null,"
                        + "'traffic':[{'latestRevision':true,'revisionName':'" + REV2 + "','percent':0},"
                        + "{'latestRevision':false,'revisionName':'" + REV1 + "','percent':100},"
                        + "{'tag':'debug','revisionName':'" + REV1 + "','percent':null}]}}}}"));

        assertThat(router.current()).isEqualTo(new TrafficSplit(REV1, REV2, 0, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Standard", "RawDeployment", "ModelMesh"})
    void refusesServicesOutsideKnativeModeSayingWhy(String mode) throws Exception {
        api.answer(200, q("{'status':{'deploymentMode':'" + mode + "'}}"));

        assertThat(failure(() -> router.shift("v2", 5), Kind.REJECTED).getMessage())
                .contains("deployment mode " + mode)
                .contains("only in Serverless (Knative) mode");
        assertThat(api.requestCount()).as("no patch was sent").isEqualTo(1);
    }

    @Test
    void readsTheModeFromTheAnnotationWhenTheStatusHasNone() throws Exception {
        api.answer(200, q("{'metadata':{'annotations':{'serving.kserve.io/deploymentMode':'RawDeployment'}}}"));

        assertThat(failure(router::current, Kind.REJECTED).getMessage()).contains("deployment mode RawDeployment");
    }

    @Test
    void refusesAServiceWhoseModeCannotBeTold() throws Exception {
        api.answer(200, q("{'metadata':{'name':'fraud'},'spec':{'predictor':{}}}"));

        assertThat(failure(router::current, Kind.REJECTED).getMessage()).contains("states no deployment mode");
    }

    @Test
    void aServiceWithoutTrafficStatusYetIsRetriedThenTransient() throws Exception {
        for (int i = 0; i < 3; i++) {
            api.answer(200, q("{'status':{'deploymentMode':'Serverless'}}"));
        }

        assertThat(failure(router::current, Kind.TRANSIENT).getMessage()).contains("has not reconciled it");
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void unreadableTrafficIsMalformed() throws Exception {
        api.answer(
                200,
                q("{'status':{'deploymentMode':'Serverless','components':{'predictor':{'latestCreatedRevision':'r2',"
                        + "'traffic':[{'latestRevision':true,'revisionName':'r2','percent':30},"
                        + "{'latestRevision':false,'revisionName':'r1','percent':30}]}}}}"));
        api.answer(
                200,
                q("{'status':{'deploymentMode':'Serverless','components':{'predictor':{'latestCreatedRevision':'r2',"
                        + "'traffic':[{'latestRevision':true,'revisionName':'r2','percent':'ten'}]}}}}"));

        assertThat(failure(router::current, Kind.MALFORMED).getMessage()).contains("add up to 60, not 100");
        assertThat(failure(router::current, Kind.MALFORMED).getMessage()).contains("percent of \"ten\"");
    }

    @Test
    void aConflictingPatchIsRetriedFromAFreshRead() throws Exception {
        api.answer(200, service(10));
        api.status(409, "Conflict", "the object has been modified");
        api.answer(200, service(10));
        api.answer(200, "");
        api.answer(200, service(25));

        assertThat(router.shift("v2", 25).canaryWeight()).isEqualTo(25);
        assertThat(api.requestCount()).isEqualTo(5);
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void aMissingServiceOrMissingRbacIsRejected() throws Exception {
        api.answer(404, "");
        api.answer(200, service(10));
        api.status(403, "Forbidden", "cannot patch resource inferenceservices");

        assertThat(failure(router::current, Kind.REJECTED).getMessage())
                .contains("inferenceservices.serving.kserve.io \"fraud\" in namespace \"ml\" was not found");
        assertThat(failure(() -> router.shift("v2", 5), Kind.REJECTED).getMessage())
                .contains("check the credential's RBAC: it needs get and patch on inferenceservices.serving.kserve.io");
    }

    @Test
    void refusesBadConfigurationNamingTheField() {
        assertThatThrownBy(() -> new KServeRouter(api.connection(), "Fraud Scorer"))
                .hasMessageStartingWith("inferenceService:");
        assertThatThrownBy(() -> router.shift("v2", 150)).hasMessageContaining("canaryWeight");
        assertThat(router.describe())
                .isEqualTo("kserve InferenceService fraud (predictor) at " + api.server.url("/") + " namespace ml");
    }
}

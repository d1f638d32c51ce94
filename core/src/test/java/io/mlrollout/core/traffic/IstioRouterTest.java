package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.FakeApiServer.failure;
import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.traffic.IstioRouter.Destination;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.time.Duration;
import java.util.Optional;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IstioRouterTest {

    private static final String V1 = "/apis/networking.istio.io/v1/namespaces/ml/virtualservices/fraud";
    private static final String V1BETA1 = "/apis/networking.istio.io/v1beta1/namespaces/ml/virtualservices/fraud";

    private final FakeApiServer api = new FakeApiServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();

    IstioRouterTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    private IstioRouter router(Optional<String> routeName, Destination baseline, Destination canary) {
        return new IstioRouter(api.connection(), "fraud", routeName, baseline, canary, sleeper);
    }

    /** Two Services, no subsets: split by host. */
    private IstioRouter byHost() {
        return router(Optional.empty(), Destination.host("fraud-v1"), Destination.host("fraud-v2"));
    }

    private static JsonNode virtualService(int baselineWeight, int canaryWeight) {
        return q("{'apiVersion':'networking.istio.io/v1','kind':'VirtualService',"
                + "'metadata':{'name':'fraud','namespace':'ml','resourceVersion':'17'},"
                + "'spec':{'hosts':['fraud.ml.svc.cluster.local'],'http':[{'route':["
                + "{'destination':{'host':'fraud-v1','port':{'number':8080}},'weight':" + baselineWeight + "},"
                + "{'destination':{'host':'fraud-v2','port':{'number':8080}},'weight':" + canaryWeight + "}]}]}}");
    }

    /** Two named http routes; the one we split is the second, by subset of one host. */
    private static JsonNode namedRoutes(int baselineWeight, String canaryWeightJson) {
        return q("{'spec':{'http':["
                + "{'name':'shadow','route':[{'destination':{'host':'fraud','subset':'v1'}}]},"
                + "{'name':'primary','route':["
                + "{'destination':{'host':'fraud','subset':'v1'},'weight':" + baselineWeight + "},"
                + "{'destination':{'host':'fraud','subset':'v2'}" + canaryWeightJson + "}]}]}}");
    }

    @Test
    void readsTheSplitFromTheRouteWeights() throws Exception {
        api.answer(200, virtualService(90, 10));

        assertThat(byHost().current()).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 10, true));

        RecordedRequest get = api.take();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getTarget()).isEqualTo(V1);
    }

    @Test
    void weightsAreRelativeProportions() throws Exception {
        api.answer(200, virtualService(3, 1));

        assertThat(byHost().current().canaryWeight()).isEqualTo(25);
    }

    @Test
    void aShareTooSmallToRoundIsNeverReportedAsNoneOrAll() throws Exception {
        // 0% and 100% tell the engine a rollback or a promotion is complete; 0.1% to one side is neither.
        api.answer(200, virtualService(999, 1));
        api.answer(200, virtualService(1, 999));
        api.answer(200, virtualService(995, 5));

        assertThat(byHost().current().canaryWeight()).isEqualTo(1);
        assertThat(byHost().current().canaryWeight()).isEqualTo(99);
        assertThat(byHost().current().canaryWeight()).as("0.5% rounds half up").isEqualTo(1);
    }

    @Test
    void shiftPatchesBothWeightsBehindTestGuardsThenReadsBack() throws Exception {
        api.answer(200, virtualService(90, 10));
        api.answer(200, virtualService(75, 25));
        api.answer(200, virtualService(75, 25));

        TrafficSplit realised = byHost().shift("fraud-scorer-abc1234", 25);

        assertThat(realised).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 25, true));
        assertThat(api.take().getMethod()).isEqualTo("GET");
        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getTarget()).isEqualTo(V1);
        assertThat(patch.getHeaders().get("Content-Type")).isEqualTo("application/json-patch+json");
        assertThat(body(patch))
                .isEqualTo(q("["
                        + "{'op':'test','path':'/spec/http/0/route/0/destination/host','value':'fraud-v1'},"
                        + "{'op':'test','path':'/spec/http/0/route/1/destination/host','value':'fraud-v2'},"
                        + "{'op':'test','path':'/spec/http/0/route/0/weight','value':90},"
                        + "{'op':'replace','path':'/spec/http/0/route/0/weight','value':75},"
                        + "{'op':'test','path':'/spec/http/0/route/1/weight','value':10},"
                        + "{'op':'replace','path':'/spec/http/0/route/1/weight','value':25}]"));
        RecordedRequest readBack = api.take();
        assertThat(readBack.getMethod()).isEqualTo("GET");
        assertThat(readBack.getTarget()).isEqualTo(V1);
    }

    @Test
    void theReadBackDecidesTheResultNotThePatch() throws Exception {
        api.answer(200, virtualService(90, 10));
        api.answer(202, "");
        api.answer(200, virtualService(95, 5)); // someone (or a webhook) put it back

        assertThat(byHost().shift("v2", 50)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 5, true));
    }

    @Test
    void findsTheNamedRouteAndSubsetsAndAddsAMissingWeight() throws Exception {
        api.answer(200, namedRoutes(100, ""));
        api.answer(200, q("{}"));
        api.answer(200, namedRoutes(50, ",'weight':50"));
        IstioRouter bySubset =
                router(Optional.of("primary"), Destination.subset("fraud", "v1"), Destination.subset("fraud", "v2"));

        assertThat(bySubset.shift("v2", 50)).isEqualTo(new TrafficSplit("v1", "v2", 50, true));

        api.take();
        assertThat(body(api.take()))
                .isEqualTo(q("["
                        + "{'op':'test','path':'/spec/http/1/name','value':'primary'},"
                        + "{'op':'test','path':'/spec/http/1/route/0/destination/host','value':'fraud'},"
                        + "{'op':'test','path':'/spec/http/1/route/0/destination/subset','value':'v1'},"
                        + "{'op':'test','path':'/spec/http/1/route/1/destination/host','value':'fraud'},"
                        + "{'op':'test','path':'/spec/http/1/route/1/destination/subset','value':'v2'},"
                        + "{'op':'test','path':'/spec/http/1/route/0/weight','value':100},"
                        + "{'op':'replace','path':'/spec/http/1/route/0/weight','value':50},"
                        + "{'op':'add','path':'/spec/http/1/route/1/weight','value':50}]"));
    }

    @Test
    void aDestinationWithoutWeightGetsNothing() throws Exception {
        api.answer(200, namedRoutes(100, ""));

        assertThat(router(Optional.of("primary"), Destination.subset("fraud", "v1"), Destination.subset("fraud", "v2"))
                        .current())
                .isEqualTo(new TrafficSplit("v1", "v2", 0, true));
    }

    @Test
    void aSplitAlreadyInPlaceIsNotPatchedAgain() throws Exception {
        api.answer(200, virtualService(100, 0));

        assertThat(byHost().shift("v2", 0)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true));
        assertThat(api.requestCount()).isEqualTo(1);
    }

    @Test
    void fallsBackToV1beta1OnOlderMeshesAndKeepsUsingIt() throws Exception {
        api.answer(404, "");
        api.answer(200, virtualService(90, 10));
        api.answer(200, "");
        api.answer(200, virtualService(50, 50));
        IstioRouter router = byHost();

        assertThat(router.shift("v2", 50).canaryWeight()).isEqualTo(50);

        assertThat(api.take().getTarget()).isEqualTo(V1);
        assertThat(api.take().getTarget()).isEqualTo(V1BETA1);
        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getTarget()).isEqualTo(V1BETA1);
        assertThat(api.take().getTarget()).isEqualTo(V1BETA1);
    }

    @Test
    void aMissingVirtualServiceIsRejectedNamingItAndTheNamespace() throws Exception {
        api.answer(404, "");
        api.answer(404, "");

        assertThat(failure(() -> byHost().current(), Kind.REJECTED).getMessage())
                .contains("virtualservices.networking.istio.io \"fraud\" in namespace \"ml\" was not found")
                .contains("v1beta1");
        assertThat(api.requestCount()).isEqualTo(2);
    }

    @Test
    void aConflictIsRetriedFromAFreshRead() throws Exception {
        api.answer(200, virtualService(90, 10));
        api.status(409, "Conflict", "the object has been modified");
        api.answer(200, virtualService(80, 20)); // someone moved it meanwhile
        api.answer(200, "");
        api.answer(200, virtualService(50, 50));

        assertThat(byHost().shift("v2", 50).canaryWeight()).isEqualTo(50);

        api.take();
        api.take();
        api.take();
        JsonNode retried = body(api.take());
        assertThat(retried.get(2)).isEqualTo(q("{'op':'test','path':'/spec/http/0/route/0/weight','value':80}"));
        assertThat(retried.get(4)).isEqualTo(q("{'op':'test','path':'/spec/http/0/route/1/weight','value':20}"));
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void aFailedTestGuardIsRetriedFromAFreshRead() throws Exception {
        api.answer(200, virtualService(90, 10));
        api.status(422, "Invalid", "the server rejected our request due to an error in our request");
        api.answer(200, virtualService(90, 10));
        api.answer(200, "");
        api.answer(200, virtualService(75, 25));

        assertThat(byHost().shift("v2", 25).canaryWeight()).isEqualTo(25);
        assertThat(api.requestCount()).isEqualTo(5);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGiveUp() throws Exception {
        for (int i = 0; i < 3; i++) {
            api.answer(503, "");
        }

        failure(() -> byHost().shift("v2", 25), Kind.TRANSIENT);
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aForbiddenPatchIsRejectedWithoutRetry() throws Exception {
        api.answer(200, virtualService(90, 10));
        api.status(403, "Forbidden", "cannot patch resource virtualservices");

        assertThat(failure(() -> byHost().shift("v2", 25), Kind.REJECTED).getMessage())
                .contains("check the credential's RBAC");
        assertThat(api.requestCount()).isEqualTo(2);
    }

    @Test
    void routesThatDoNotFitAreRefusedWithTheReason() throws Exception {
        api.answer(200, q("{'spec':{'hosts':['fraud']}}"));
        api.answer(200, q("{'spec':{'http':[{'route':[{'destination':{'host':'fraud-v1'},'weight':100}]}]}}"));
        api.answer(
                200,
                q("{'spec':{'http':[{'route':[{'destination':{'host':'fraud-v1'},'weight':80},"
                        + "{'destination':{'host':'fraud-v2'},'weight':10},"
                        + "{'destination':{'host':'fraud-legacy'},'weight':10}]}]}}"));
        api.answer(200, namedRoutes(100, ""));

        assertThat(failure(() -> byHost().current(), Kind.REJECTED).getMessage())
                .contains("has no spec.http routes");
        assertThat(failure(() -> byHost().current(), Kind.REJECTED).getMessage())
                .contains("has no destination host fraud-v2")
                .contains("with weight 0");
        assertThat(failure(() -> byHost().current(), Kind.REJECTED).getMessage())
                .contains("also sends traffic to")
                .contains("fraud-legacy");
        assertThat(failure(
                                () -> router(
                                                Optional.of("canary"),
                                                Destination.subset("fraud", "v1"),
                                                Destination.subset("fraud", "v2"))
                                        .current(),
                                Kind.REJECTED)
                        .getMessage())
                .contains("no http route named canary (routes: [shadow, primary])");
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void unreadableWeightsAreMalformed() throws Exception {
        api.answer(
                200,
                q("{'spec':{'http':[{'route':[{'destination':{'host':'fraud-v1'},'weight':'90'},"
                        + "{'destination':{'host':'fraud-v2'},'weight':10}]}]}}"));
        api.answer(200, virtualService(0, 0));

        assertThat(failure(() -> byHost().current(), Kind.MALFORMED).getMessage())
                .contains("weight \"90\"");
        assertThat(failure(() -> byHost().current(), Kind.MALFORMED).getMessage())
                .contains("both destinations weight 0");
    }

    @Test
    void refusesBadConfigurationNamingTheField() {
        assertThatThrownBy(() -> router(Optional.empty(), Destination.host("fraud"), Destination.host("fraud")))
                .hasMessageContaining("baseline and canary must be different");
        assertThatThrownBy(() -> new IstioRouter(
                        api.connection(),
                        "Fraud_VS",
                        Optional.empty(),
                        Destination.host("a"),
                        Destination.host("b"),
                        sleeper))
                .hasMessageStartingWith("virtualService:");
        assertThatThrownBy(() -> Destination.host(" ")).hasMessageContaining("host");
        assertThatThrownBy(() -> byHost().shift("v2", -1)).hasMessageContaining("canaryWeight");
    }

    @Test
    void describesItselfWithoutTheToken() {
        assertThat(router(Optional.of("primary"), Destination.host("a"), Destination.host("b"))
                        .describe())
                .isEqualTo("istio VirtualService fraud route primary at " + api.server.url("/") + " namespace ml");
    }
}

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

class GatewayApiRouterTest {

    private static final String PATH = "/apis/gateway.networking.k8s.io/v1/namespaces/ml/httproutes/fraud";

    private final FakeApiServer api = new FakeApiServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final GatewayApiRouter router =
            new GatewayApiRouter(api.connection(), "fraud", 1, "fraud-v1", "fraud-v2", sleeper);

    GatewayApiRouterTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    /** Rule 0 is a header match to v2 only; rule 1 is the split the router owns. */
    private static JsonNode route(String baselineWeight, String canaryWeight, String status) {
        return q("{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
                + "'metadata':{'name':'fraud','namespace':'ml','generation':4},"
                + "'spec':{'parentRefs':[{'name':'inference-gateway'}],'rules':["
                + "{'matches':[{'headers':[{'name':'x-canary','value':'1'}]}],'backendRefs':[{'name':'fraud-v2','port':8080}]},"
                + "{'backendRefs':[{'name':'fraud-v1','port':8080" + baselineWeight + "},"
                + "{'name':'fraud-v2','port':8080" + canaryWeight + "}]}]}" + status + "}");
    }

    private static JsonNode route(int baselineWeight, int canaryWeight) {
        return route(",'weight':" + baselineWeight, ",'weight':" + canaryWeight, "");
    }

    private static String status(String acceptedStatus, int observedGeneration) {
        return ",'status':{'parents':[{'parentRef':{'name':'inference-gateway'},'controllerName':'example.net/gw',"
                + "'conditions':[{'type':'Accepted','status':'" + acceptedStatus + "','observedGeneration':"
                + observedGeneration + "},{'type':'ResolvedRefs','status':'True','observedGeneration':"
                + observedGeneration + "}]}]}";
    }

    @Test
    void readsTheSplitAsAPercentageOfRelativeWeights() throws Exception {
        api.answer(200, route(3, 1));

        assertThat(router.current()).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 25, true));

        RecordedRequest get = api.take();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getTarget()).isEqualTo(PATH);
    }

    @Test
    void aMissingWeightCountsAsOne() throws Exception {
        api.answer(200, route("", "", ""));
        api.answer(200, route("", ",'weight':0", ""));

        assertThat(router.current().canaryWeight()).isEqualTo(50);
        assertThat(router.current().canaryWeight()).isZero();
    }

    @Test
    void shiftPatchesTheTwoWeightsBehindNameGuardsThenReadsBack() throws Exception {
        api.answer(200, route(",'weight':100", "", ""));
        api.answer(202, "");
        api.answer(200, route(75, 25));

        assertThat(router.shift("fraud-scorer-abc1234", 25))
                .isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 25, true));

        api.take();
        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getTarget()).isEqualTo(PATH);
        assertThat(patch.getHeaders().get("Content-Type")).isEqualTo("application/json-patch+json");
        assertThat(body(patch))
                .isEqualTo(q("["
                        + "{'op':'test','path':'/spec/rules/1/backendRefs/0/name','value':'fraud-v1'},"
                        + "{'op':'test','path':'/spec/rules/1/backendRefs/1/name','value':'fraud-v2'},"
                        + "{'op':'test','path':'/spec/rules/1/backendRefs/0/weight','value':100},"
                        + "{'op':'replace','path':'/spec/rules/1/backendRefs/0/weight','value':75},"
                        + "{'op':'add','path':'/spec/rules/1/backendRefs/1/weight','value':25}]"));
        assertThat(api.take().getMethod()).isEqualTo("GET");
    }

    @Test
    void isNotReadyUntilEveryGatewayAcceptedTheCurrentGeneration() throws Exception {
        api.answer(200, route(",'weight':75", ",'weight':25", status("True", 3)));
        api.answer(200, route(",'weight':75", ",'weight':25", status("False", 4)));
        api.answer(200, route(",'weight':75", ",'weight':25", status("True", 4)));

        assertThat(router.current().ready()).isFalse();
        assertThat(router.current().ready()).isFalse();
        assertThat(router.current()).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 25, true));
    }

    @Test
    void aConflictIsRetriedFromAFreshRead() throws Exception {
        api.answer(200, route(90, 10));
        api.status(409, "Conflict", "the object has been modified");
        api.answer(200, route(90, 10));
        api.answer(200, "");
        api.answer(200, route(50, 50));

        assertThat(router.shift("v2", 50).canaryWeight()).isEqualTo(50);
        assertThat(api.requestCount()).isEqualTo(5);
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void aMissingRouteIsRejectedNamingItAndTheNamespace() throws Exception {
        api.answer(404, "");

        assertThat(failure(router::current, Kind.REJECTED).getMessage())
                .contains("httproutes.gateway.networking.k8s.io \"fraud\" in namespace \"ml\" was not found");
    }

    @Test
    void rulesThatDoNotFitAreRefusedWithTheReason() throws Exception {
        api.answer(200, q("{'spec':{'rules':[{'backendRefs':[{'name':'fraud-v1'}]}]}}"));
        api.answer(200, q("{'spec':{'rules':[{},{'backendRefs':[{'name':'fraud-v1','weight':100}]}]}}"));
        api.answer(
                200,
                q("{'spec':{'rules':[{},{'backendRefs':[{'name':'fraud-v1','weight':90},"
                        + "{'name':'fraud-v2','weight':0},{'name':'fraud-legacy'}]}]}}"));
        api.answer(200, route(0, 0));

        assertThat(failure(router::current, Kind.REJECTED).getMessage())
                .contains("no rule #1 (it has 1 rules; ruleIndex counts from 0)");
        assertThat(failure(router::current, Kind.REJECTED).getMessage())
                .contains("no backendRef named fraud-v2")
                .contains("with weight 0");
        assertThat(failure(router::current, Kind.REJECTED).getMessage())
                .contains("also sends traffic to backend \"fraud-legacy\"");
        assertThat(failure(router::current, Kind.MALFORMED).getMessage()).contains("both backends weight 0");
    }

    @Test
    void refusesBadConfigurationNamingTheField() {
        assertThatThrownBy(() -> new GatewayApiRouter(api.connection(), "fraud", -1, "a", "b"))
                .hasMessageStartingWith("ruleIndex:");
        assertThatThrownBy(() -> new GatewayApiRouter(api.connection(), "fraud", 0, "a", "a"))
                .hasMessageContaining("must be different");
        assertThatThrownBy(() -> new GatewayApiRouter(api.connection(), "fraud", 0, "a", "B_2"))
                .hasMessageStartingWith("canaryBackend:");
        assertThat(router.describe())
                .isEqualTo("gateway-api HTTPRoute fraud rule 1 at " + api.server.url("/") + " namespace ml");
    }
}

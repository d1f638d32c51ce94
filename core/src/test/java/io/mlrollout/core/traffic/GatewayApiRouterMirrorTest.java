package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.FakeApiServer.failure;
import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.traffic.TrafficException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A shadow stage on the Gateway API: the rule's RequestMirror filter, exact bodies on the wire. */
class GatewayApiRouterMirrorTest {

    private final FakeApiServer api = new FakeApiServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();

    GatewayApiRouterMirrorTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    private GatewayApiRouter router() {
        return new GatewayApiRouter(api.connection(), "fraud", 0, "fraud-v1", "fraud-v2", sleeper);
    }

    private static JsonNode route(int baselineWeight, int canaryWeight, String filters) {
        return q("{'spec':{'rules':[{" + filters + "'backendRefs':["
                + "{'name':'fraud-v1','port':8080,'weight':" + baselineWeight + "},"
                + "{'name':'fraud-v2','port':8080,'weight':" + canaryWeight + "}]}]}}");
    }

    private static String mirror(String share) {
        return "'filters':[{'type':'RequestMirror','requestMirror':{'backendRef':{'name':'fraud-v2','port':8080}"
                + share + "}}],";
    }

    @Test
    void mirrorAddsTheFilterListWhenTheRuleHasNone() throws Exception {
        api.answer(200, route(100, 0, ""));
        api.answer(200, q("{}"));
        api.answer(200, route(100, 0, mirror(",'percent':20")));

        assertThat(router().mirror("v2", 20)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true, 20));

        api.take();
        JsonNode ops = body(api.take());
        assertThat(ops.get(ops.size() - 1))
                .isEqualTo(q("{'op':'add','path':'/spec/rules/0/filters','value':[{'type':'RequestMirror',"
                        + "'requestMirror':{'backendRef':{'name':'fraud-v2','port':8080},'percent':20}}]}"));
    }

    @Test
    void readingTheSplitSeesPercentFractionOrAllOfIt() throws Exception {
        api.answer(200, route(100, 0, mirror(",'percent':35")));
        api.answer(200, route(100, 0, mirror(",'fraction':{'numerator':5,'denominator':1000}")));
        api.answer(200, route(100, 0, mirror(",'fraction':{'numerator':1,'denominator':1000}")));
        api.answer(200, route(100, 0, mirror(",'fraction':{'numerator':25}")));
        api.answer(200, route(100, 0, mirror("")));

        assertThat(router().current().mirrorPercent()).isEqualTo(35);
        assertThat(router().current().mirrorPercent()).as("0.5% rounds to 1").isEqualTo(1);
        assertThat(router().current().mirrorPercent())
                .as("0.1% is not none: it is reported as 1")
                .isEqualTo(1);
        assertThat(router().current().mirrorPercent())
                .as("denominator defaults to 100")
                .isEqualTo(25);
        assertThat(router().current().mirrorPercent())
                .as("no share: a gateway mirrors all")
                .isEqualTo(100);
    }

    @Test
    void aShiftRemovesOnlyTheMirrorToTheCanary() throws Exception {
        api.answer(200, route(100, 0, mirror(",'percent':20")));
        api.answer(200, q("{}"));
        api.answer(200, route(90, 10, ""));

        assertThat(router().shift("v2", 10).mirrorPercent()).isZero();

        api.take();
        JsonNode ops = body(api.take());
        assertThat(ops.get(ops.size() - 2))
                .isEqualTo(q("{'op':'test','path':'/spec/rules/0/filters/0/requestMirror/backendRef/name',"
                        + "'value':'fraud-v2'}"));
        assertThat(ops.get(ops.size() - 1)).isEqualTo(q("{'op':'remove','path':'/spec/rules/0/filters/0'}"));
    }

    @Test
    void aMalformedShareIsRefused() throws Exception {
        api.answer(200, route(100, 0, mirror(",'fraction':{'numerator':7,'denominator':5}")));

        failure(() -> router().current(), Kind.MALFORMED);
    }
}

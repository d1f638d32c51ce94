package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.FakeApiServer.failure;
import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.traffic.IstioRouter.Destination;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.util.Optional;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A shadow stage on Istio: the route's {@code mirror} and {@code mirrorPercentage}, exact bodies on the wire. */
class IstioRouterMirrorTest {

    private final FakeApiServer api = new FakeApiServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();

    IstioRouterMirrorTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    private IstioRouter router() {
        return new IstioRouter(
                api.connection(),
                "fraud",
                Optional.empty(),
                Destination.host("fraud-v1"),
                Destination.host("fraud-v2"),
                sleeper);
    }

    /** The route with these weights and, after them, the given members (e.g. a mirror). */
    private static JsonNode virtualService(int baselineWeight, int canaryWeight, String more) {
        return q("{'spec':{'http':[{'route':["
                + "{'destination':{'host':'fraud-v1'},'weight':" + baselineWeight + "},"
                + "{'destination':{'host':'fraud-v2'},'weight':" + canaryWeight + "}]" + more + "}]}}");
    }

    private static final String MIRROR_20 = ",'mirror':{'host':'fraud-v2'},'mirrorPercentage':{'value':20.0}";

    @Test
    void mirrorSetsTheMirrorAndItsPercentageWithTheBaselineAtAHundred() throws Exception {
        api.answer(200, virtualService(100, 0, ""));
        api.answer(200, q("{}"));
        api.answer(200, virtualService(100, 0, MIRROR_20));

        TrafficSplit realised = router().mirror("fraud-scorer-abc1234", 20);

        assertThat(realised).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true, 20));
        api.take();
        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(body(patch))
                .isEqualTo(q("["
                        + "{'op':'test','path':'/spec/http/0/route/0/destination/host','value':'fraud-v1'},"
                        + "{'op':'test','path':'/spec/http/0/route/1/destination/host','value':'fraud-v2'},"
                        + "{'op':'test','path':'/spec/http/0/route/0/weight','value':100},"
                        + "{'op':'replace','path':'/spec/http/0/route/0/weight','value':100},"
                        + "{'op':'test','path':'/spec/http/0/route/1/weight','value':0},"
                        + "{'op':'replace','path':'/spec/http/0/route/1/weight','value':0},"
                        + "{'op':'add','path':'/spec/http/0/mirror','value':{'host':'fraud-v2'}},"
                        + "{'op':'add','path':'/spec/http/0/mirrorPercentage','value':{'value':20.0}}]"));
    }

    @Test
    void readingTheSplitSeesTheMirror() throws Exception {
        api.answer(200, virtualService(100, 0, MIRROR_20));
        api.answer(200, virtualService(100, 0, ",'mirror':{'host':'fraud-v2'}"));
        api.answer(200, virtualService(100, 0, ",'mirror':{'host':'audit-sink'},'mirrorPercentage':{'value':50}"));

        assertThat(router().current().mirrorPercent()).isEqualTo(20);
        assertThat(router().current().mirrorPercent())
                .as("no percentage: Istio mirrors all")
                .isEqualTo(100);
        assertThat(router().current().mirrorPercent())
                .as("a mirror to another host")
                .isZero();
    }

    @Test
    void aShiftRemovesTheMirrorBehindAGuard() throws Exception {
        api.answer(200, virtualService(100, 0, MIRROR_20));
        api.answer(200, q("{}"));
        api.answer(200, virtualService(95, 5, ""));

        assertThat(router().shift("v2", 5)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 5, true, 0));

        api.take();
        JsonNode ops = body(api.take());
        assertThat(ops.toString())
                .contains(q("{'op':'test','path':'/spec/http/0/mirror/host','value':'fraud-v2'}")
                        .toString())
                .contains(q("{'op':'remove','path':'/spec/http/0/mirror'}").toString())
                .contains(q("{'op':'remove','path':'/spec/http/0/mirrorPercentage'}")
                        .toString());
    }

    @Test
    void aRollbackAtZeroStillRemovesTheMirror() throws Exception {
        api.answer(200, virtualService(100, 0, MIRROR_20));
        api.answer(200, q("{}"));
        api.answer(200, virtualService(100, 0, ""));

        assertThat(router().shift("v2", 0).mirrorPercent()).isZero();
        assertThat(api.requestCount())
                .as("read, patch, read back: weights at 0 do not skip the patch")
                .isEqualTo(3);
    }

    @Test
    void anotherMirrorIsLeftAloneAndAShadowStageOnItIsRefused() throws Exception {
        String audit = ",'mirror':{'host':'audit-sink'}";
        api.answer(200, virtualService(90, 10, audit));
        api.answer(200, q("{}"));
        api.answer(200, virtualService(100, 0, audit));
        api.answer(200, virtualService(100, 0, audit));

        router().shift("v2", 0);
        api.take();
        assertThat(body(api.take()).toString()).doesNotContain("mirror");
        api.take();

        TrafficException refused = failure(() -> router().mirror("v2", 20), Kind.REJECTED);
        assertThat(refused.getMessage()).contains("already mirrors to").contains("audit-sink");
    }

    @Test
    void aMirrorOfUnderHalfAPercentIsReportedAndARollbackRemovesIt() throws Exception {
        // Mirroring a tenth of a percent is common on busy endpoints; rounded to 0 it looked like no mirror at all.
        String tiny = ",'mirror':{'host':'fraud-v2'},'mirrorPercentage':{'value':0.1}";
        api.answer(200, virtualService(100, 0, tiny));
        api.answer(200, virtualService(100, 0, tiny));
        api.answer(200, q("{}"));
        api.answer(200, virtualService(100, 0, ""));

        assertThat(router().current().mirrorPercent()).isEqualTo(1);
        assertThat(router().shift("v2", 0)).isEqualTo(new TrafficSplit("fraud-v1", "fraud-v2", 0, true, 0));

        api.take();
        api.take();
        RecordedRequest patch = api.take();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(body(patch).toString())
                .contains(q("{'op':'remove','path':'/spec/http/0/mirror'}").toString());
    }

    @Test
    void aPercentageOutOfRangeIsMalformed() throws Exception {
        api.answer(200, virtualService(100, 0, ",'mirror':{'host':'fraud-v2'},'mirrorPercentage':{'value':140}"));

        failure(() -> router().current(), Kind.MALFORMED);
    }
}

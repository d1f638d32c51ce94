package io.mlrollout.core.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** KServe has no request mirroring: it says so up front, and a mirror request moves nothing. */
class KServeRouterMirrorTest {

    private final FakeApiServer api = new FakeApiServer();

    KServeRouterMirrorTest() throws Exception {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void cannotMirrorAndAMirrorRequestIsRefusedWithoutACall() {
        KServeRouter router = new KServeRouter(api.connection(), "fraud", new RecordingSleeper());

        assertThat(router.canMirror()).isFalse();
        TrafficException refused = catchThrowableOfType(TrafficException.class, () -> router.mirror("v2", 20));
        assertThat(refused.kind()).isEqualTo(TrafficException.Kind.REJECTED);
        assertThat(refused.getMessage()).contains("KServe has no request mirroring");
        assertThat(api.requestCount()).isZero();
    }
}

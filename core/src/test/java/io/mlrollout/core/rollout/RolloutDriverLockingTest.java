package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.testing.FakeServing;
import io.mlrollout.core.time.VirtualTime;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A person's request must not wait behind the router or Prometheus: the driver holds its lock to decide and to apply,
 * never while it talks to a port. A result that comes back after a request changed the rollout is not applied to the
 * new state; the driver decides again from where the rollout is.
 */
class RolloutDriverLockingTest {

    private static final String POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
            """;

    /** A router whose first shift hangs until released, as a slow Kubernetes API would. */
    static final class SlowRouter implements TrafficRouter {
        final FakeServing serving;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private boolean first = true;

        SlowRouter(FakeServing serving) {
            this.serving = serving;
        }

        @Override
        public TrafficSplit current() throws TrafficException {
            return serving.current();
        }

        @Override
        public TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
            boolean hang;
            synchronized (this) {
                hang = first;
                first = false;
            }
            if (hang) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return serving.shift(candidate, canaryWeight);
        }

        @Override
        public String describe() {
            return "slow router";
        }
    }

    /**
     * A thread each for the driver and the request: the common pool may have a single worker (one on a two-core
     * machine under JDK 25), and then the request would wait behind the driver the test holds inside the router.
     */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aRequestIsTakenWhileTheRouterIsStillAnsweringAndTheLateAnswerIsNotAppliedToTheNewState() throws Exception {
        FakeServing serving = new FakeServing();
        SlowRouter router = new SlowRouter(serving);
        VirtualTime time = new VirtualTime(Harness.T0);
        List<RolloutEvent> events = new ArrayList<>();
        RolloutEngine engine = new RolloutEngine(Harness.policy(POLICY), Optional.empty());
        Step first = engine.start("build-7", "fraud-scorer", "v2", "alice", time.instant(), BaselineHistory.none());
        RolloutDriver driver = new RolloutDriver(
                engine, router, serving, time, time, RolloutDriver.eventsTo(events::add), first.state());

        CompletableFuture<Void> running = CompletableFuture.runAsync(driver::run, threads);
        assertThat(router.entered.await(10, TimeUnit.SECONDS))
                .as("the driver is inside the shift")
                .isTrue();

        CompletableFuture<Optional<String>> request = CompletableFuture.supplyAsync(
                () -> driver.submit(new Input.RollbackRequested("carol", "smoke tests failed", time.instant())),
                threads);
        Optional<String> refusal = request.get(10, TimeUnit.SECONDS); // before the fix: stuck behind the shift
        assertThat(refusal).isEmpty();
        assertThat(driver.state().phase()).isEqualTo(Phase.ROLLING_BACK);

        router.release.countDown();
        running.get(10, TimeUnit.SECONDS);
        while (time.runNext()) {
            // the rollback the request set off
        }

        assertThat(driver.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(serving.weight).isZero();
        assertThat(events)
                .as("the 5% the late shift reported was not taken for a failed rollback")
                .noneMatch(e -> e instanceof RolloutEvent.RollbackFailed);
    }

    /**
     * Prometheus that hangs costs each query its timeouts and retries (half a minute or more): once a request changed
     * the rollout, the rest of the look, whose readings would be dropped anyway, is not read, so an abort's rollback
     * is not held up behind them.
     */
    @Test
    void aLookStopsReadingOnceARequestChangedTheRollout() {
        FakeServing serving = new FakeServing();
        VirtualTime time = new VirtualTime(Harness.T0);
        RolloutEngine engine = new RolloutEngine(Harness.policy(POLICY + """
                  - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 15%}
                """), Optional.empty());
        Step first = engine.start("build-7", "fraud-scorer", "v2", "alice", time.instant(), BaselineHistory.none());
        List<RolloutDriver> drivers = new ArrayList<>();
        List<String> readsAfterTheAbort = new ArrayList<>();
        MetricsSource abortingOnFirstRead = (metric, endpoint, version, window) -> {
            RolloutDriver driver = drivers.get(0);
            if (driver.state().phase() == Phase.ROLLING_BACK) {
                readsAfterTheAbort.add(metric.name() + " of " + version);
            } else {
                driver.submit(new Input.AbortRequested("carol (Ctrl-C or SIGTERM)", time.instant()));
            }
            return serving.read(metric, endpoint, version, window);
        };
        RolloutDriver driver = new RolloutDriver(
                engine, serving, abortingOnFirstRead, time, time, RolloutDriver.eventsTo(e -> {}), first.state());
        drivers.add(driver);

        driver.run();
        while (!driver.state().phase().isResting() && time.runNext()) {
            // the first look, then the rollback the abort set off
        }

        assertThat(driver.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(readsAfterTheAbort).isEmpty();
    }
}

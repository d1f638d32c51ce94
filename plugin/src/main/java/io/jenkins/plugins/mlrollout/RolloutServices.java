package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.traffic.TrafficRouter;
import java.time.Clock;
import java.util.Objects;

/**
 * The clock, the timer and the connectors that the rollout steps use. In Jenkins: the system clock, {@code
 * jenkins.util.Timer} and the connectors an endpoint's settings describe. Tests put virtual time and an in-memory
 * endpoint here ({@link #use}), which is the only reason this is not hard-wired.
 *
 * @param clock what "now" is for the engine
 * @param scheduler runs the driver's work at its due time, never on the Pipeline's CPS thread
 * @param connectors turns an endpoint's settings and credentials into a router and a metrics source
 */
record RolloutServices(Clock clock, RolloutDriver.Scheduler scheduler, Connectors connectors) {

    /** Builds the ports for an endpoint; the credentials were already looked up against the build. */
    interface Connectors {
        TrafficRouter router(ModelEndpoint endpoint, Credential credential);

        MetricsSource metrics(ModelEndpoint endpoint, Credential credential);
    }

    private static final RolloutServices JENKINS =
            new RolloutServices(Clock.systemUTC(), new TimerScheduler(Clock.systemUTC()), new EndpointConnectors());

    private static volatile RolloutServices current = JENKINS;

    RolloutServices {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(connectors, "connectors");
    }

    static RolloutServices current() {
        return current;
    }

    /** For tests: replaces the services until {@link #reset()}. */
    static void use(RolloutServices services) {
        current = services;
    }

    static void reset() {
        current = JENKINS;
    }
}

package io.jenkins.plugins.mlrollout;

import hudson.Extension;
import hudson.ExtensionList;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.traffic.TrafficRouter;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The clock, the timer, the threads and the connectors that the rollout steps use. In Jenkins: the system clock,
 * {@code jenkins.util.Timer} handing over to {@link RolloutThreads}, and the connectors an endpoint's settings describe
 * ({@link InJenkins}). Tests put virtual time and an in-memory endpoint here through the extension look-up.
 *
 * @param clock what "now" is for the engine
 * @param scheduler runs the driver's work at its due time, never on the Pipeline's CPS thread
 * @param work runs a task now, off the Pipeline's CPS thread (a step's start: credential look-ups, files, the build)
 * @param connectors turns an endpoint's settings and credentials into a router and a metrics source
 * @param board where an open sign-off gate is put up as a pending input, for Pipeline's views
 */
record RolloutServices(
        Clock clock, RolloutDriver.Scheduler scheduler, Executor work, Connectors connectors, SignOffBoard board) {

    /** Builds the ports for an endpoint; the credentials were already looked up. */
    interface Connectors {
        TrafficRouter router(ModelEndpoint endpoint, Credential credential);

        MetricsSource metrics(ModelEndpoint endpoint, Credential credential);
    }

    RolloutServices {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(connectors, "connectors");
        Objects.requireNonNull(board, "board");
    }

    static RolloutServices current() {
        return ExtensionList.lookupSingleton(InJenkins.class).services();
    }

    /** The services Jenkins runs with: made once, when Jenkins first asks for them. */
    @Extension
    public static class InJenkins {
        private final RolloutServices services;

        public InJenkins() {
            Clock clock = Clock.systemUTC();
            RolloutThreads threads = RolloutThreads.forJenkins();
            this.services = new RolloutServices(
                    clock,
                    new TimerScheduler(clock, threads),
                    threads,
                    new EndpointConnectors(),
                    new PipelineInputBoard());
        }

        InJenkins(RolloutServices services) {
            this.services = services;
        }

        RolloutServices services() {
            return services;
        }
    }
}

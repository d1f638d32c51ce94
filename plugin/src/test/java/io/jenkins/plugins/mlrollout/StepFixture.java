package io.jenkins.plugins.mlrollout;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import hudson.ExtensionList;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.SecurityRealm;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.testing.FakeServing;
import io.mlrollout.core.time.VirtualTime;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import jenkins.model.IdStrategy;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.mockito.MockedStatic;

/**
 * Everything a step test needs around the steps: one configured endpoint ({@code fraud-scorer}) served by {@link
 * FakeServing}, virtual time as the clock and the timer, the endpoint holders in a temporary Jenkins home, and builds
 * to run the steps in. Jenkins' static look-ups ({@code ExtensionList.lookupSingleton}) are answered with these.
 */
final class StepFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final String ENDPOINT = "fraud-scorer";

    /** Three stages, two metrics, no sign-offs: a healthy candidate passes after 30 minutes. */
    static final String THREE_STAGES = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 15%}
            promote: {bake: 10m}
            """;

    /** As above with a sign-off after stage 2 by two of alice, bob and the ml-risk group, and before promotion. */
    static final String GATED = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
            signOff: {approvers: [alice, bob, ml-risk, dave], quorum: 2, expires: 2h}
            promote: {bake: 10m}
            """;

    /** Connectors that hand out the fake endpoint and remember the credentials they were given. */
    static final class RecordingConnectors implements RolloutServices.Connectors {
        final FakeServing serving;
        final List<Credential> credentials = new CopyOnWriteArrayList<>();

        RecordingConnectors(FakeServing serving) {
            this.serving = serving;
        }

        /** Runs inside every shift the router is asked for, e.g. to look at a step while a move is written. */
        volatile Runnable duringShift = () -> {};

        @Override
        public TrafficRouter router(ModelEndpoint endpoint, Credential credential) {
            credentials.add(credential);
            return new TrafficRouter() {
                @Override
                public TrafficSplit current() throws TrafficException {
                    return serving.current();
                }

                @Override
                public TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
                    duringShift.run();
                    return serving.shift(candidate, canaryWeight);
                }

                @Override
                public String describe() {
                    return serving.describe();
                }
            };
        }

        /** The metrics source handed out instead of the fake endpoint, e.g. a Prometheus source on a mock server. */
        volatile MetricsSource metrics;

        @Override
        public MetricsSource metrics(ModelEndpoint endpoint, Credential credential) {
            credentials.add(credential);
            return metrics != null ? metrics : serving;
        }
    }

    final Path home;
    final FakeServing serving = new FakeServing();
    final RecordingConnectors connectors = new RecordingConnectors(serving);
    /** Where open gates are put up as inputs; a test answers them there as Pipeline's views would. */
    final FakeSignOffBoard board = new FakeSignOffBoard();

    final ModelEndpoint endpoint = new ModelEndpoint(ENDPOINT);
    final MlRolloutConfiguration configuration = new MlRolloutConfiguration();
    final Map<String, Run<?, ?>> builds = new ConcurrentHashMap<>();
    /** The folder walks Jenkins registered: none, as without the Folders plugin, unless a test adds one. */
    final List<FolderTemplates> folderTemplates = new CopyOnWriteArrayList<>();

    VirtualTime time = new VirtualTime(T0);
    /** Whether work handed to the plugin's threads waits for {@link #runHeldWork()}. */
    volatile boolean holdWork;

    private final List<Runnable> heldWork = new CopyOnWriteArrayList<>();
    EndpointLocks locks;
    private final MockedStatic<ExtensionList> extensions;
    /** Jenkins' static seams: the instance and the current authentication (SYSTEM, as a build without a strategy). */
    final MockedStatic<Jenkins> jenkinsStatic;

    final Jenkins jenkins = mock(Jenkins.class);
    /** Whether the security realm compares user ids and group names case-sensitively (most do not). */
    volatile boolean caseSensitiveIds;

    StepFixture(Path home) {
        this.home = home;
        endpoint.setRouter(new WebhookRouterSettings("http://router.example:8080"));
        endpoint.setPrometheusUrl("http://prometheus.example:9090");
        endpoint.setAllowedJobs("fraud-deploy, fraud-smoke-tests");
        configuration.setEndpoints(List.of(endpoint));
        locks = newLocks();
        extensions = mockStatic(ExtensionList.class);
        extensions
                .when(() -> ExtensionList.lookupSingleton(RolloutServices.InJenkins.class))
                .thenAnswer(invocation -> new RolloutServices.InJenkins(services()));
        extensions
                .when(() -> ExtensionList.lookupSingleton(MlRolloutConfiguration.class))
                .thenReturn(configuration);
        extensions
                .when(() -> ExtensionList.lookupSingleton(EndpointLocks.class))
                .thenAnswer(invocation -> locks);
        @SuppressWarnings("unchecked")
        ExtensionList<FolderTemplates> registered = mock(ExtensionList.class);
        when(registered.iterator()).thenAnswer(invocation -> folderTemplates.iterator());
        extensions.when(() -> ExtensionList.lookup(FolderTemplates.class)).thenReturn(registered);
        jenkinsStatic = mockStatic(Jenkins.class);
        jenkinsStatic.when(Jenkins::get).thenReturn(jenkins);
        jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(ACL.SYSTEM2);
        IdStrategy ids = mock(IdStrategy.class);
        when(ids.equals(anyString(), anyString())).thenAnswer(invocation -> {
            String a = invocation.getArgument(0);
            String b = invocation.getArgument(1);
            return caseSensitiveIds ? a.equals(b) : a.equalsIgnoreCase(b);
        });
        SecurityRealm realm = mock(SecurityRealm.class);
        when(realm.getUserIdStrategy()).thenReturn(ids);
        when(realm.getGroupIdStrategy()).thenReturn(ids);
        when(jenkins.getSecurityRealm()).thenReturn(realm);
        when(jenkins.getRootUrl()).thenReturn("https://jenkins.example/");
    }

    /** The services the steps get: virtual time as clock and timer, and {@link #work} for their work. */
    RolloutServices services() {
        return new RolloutServices(time, time, this::work, connectors, board);
    }

    /** The plugin's threads: work runs at once, unless a test holds it to look at what the Pipeline's thread did. */
    private void work(Runnable task) {
        if (holdWork) {
            heldWork.add(task);
        } else {
            task.run();
        }
    }

    /** Runs the work held so far, as the plugin's threads would. */
    void runHeldWork() {
        holdWork = false;
        while (!heldWork.isEmpty()) {
            heldWork.remove(0).run();
        }
    }

    private EndpointLocks newLocks() {
        return new EndpointLocks(new XStreamStore(home.resolve("endpoint-holders.xml")), builds::get, time);
    }

    FakeBuild build(String job, int number, String startedBy) {
        FakeBuild build = new FakeBuild(job, number, startedBy, home);
        builds.put(build.run.getExternalizableId(), build.run);
        return build;
    }

    /**
     * What a controller restart leaves: the timer's tasks are gone (a new virtual clock at the same instant), and the
     * endpoint holders are read back from their file.
     */
    void restart() {
        time = new VirtualTime(time.instant());
        locks = newLocks();
    }

    /** Runs the timer's tasks for {@code span} of virtual time. */
    void runFor(Duration span) {
        time.runUntil(time.instant().plus(span));
    }

    /** Runs the timer's tasks until the step ends or nothing is left to run. */
    void runUntilEnded(FakeStepContext context) {
        while (!context.ended() && time.runNext()) {
            // every task is a driver run or a request handed to the timer
        }
    }

    /** Starts {@code execution}, which must go on asynchronously. */
    static <E extends StepExecution> E started(E execution) throws Exception {
        if (execution.start()) {
            throw new AssertionError("the step finished synchronously");
        }
        return execution;
    }

    @Override
    public void close() {
        extensions.close();
        if (!jenkinsStatic.isClosed()) {
            jenkinsStatic.close(); // a test may have closed it as a resource of its own
        }
    }
}

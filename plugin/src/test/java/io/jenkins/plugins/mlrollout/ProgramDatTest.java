package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.Identity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jboss.marshalling.Marshaller;
import org.jboss.marshalling.Marshalling;
import org.jboss.marshalling.MarshallingConfiguration;
import org.jboss.marshalling.SimpleClassResolver;
import org.jboss.marshalling.Unmarshaller;
import org.jboss.marshalling.river.RiverMarshallerFactory;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each step execution, with everything it reaches, written as Pipeline writes {@code program.dat} (JBoss Marshalling
 * River, configured as workflow-support's RiverWriter and RiverReader do), read back in a restarted controller, and
 * resumed to the end. A field that drags something unserializable along fails the write here rather than a real
 * controller's save.
 */
class ProgramDatTest {

    @TempDir
    Path home;

    private StepFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aCanaryMidBakeIsWrittenReadAndResumedToItsOutcome() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        StepExecution execution = started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
        fixture.runFor(Duration.ofMinutes(14));

        StepExecution resumed = restart(execution, build);
        resumed.onResume();
        fixture.runUntilEnded(context);

        assertThat(context.endings()).isEqualTo(1);
        assertThat(context.result())
                .get()
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "PASS");
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
    }

    @Test
    void aGateByRoleWithOneRoleSignedIsWrittenReadAndStillKnowsWhoSignedForWhichRole() throws Exception {
        RoleSignOffTest.configureRoles(fixture.endpoint);
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        StepExecution execution = started(new MlCanaryStep(RoleSignOffTest.BY_ROLE, "v2").start(context));
        fixture.runFor(Duration.ofMinutes(21));
        build.action(ENDPOINT)
                .live()
                .submit(new Input.SignOff(
                        new Identity("erin", Set.of("platform-team", "ml-risk"), false),
                        Decision.APPROVE,
                        "capacity and model card fine",
                        fixture.time.instant()));

        StepExecution resumed = restart(execution, build);
        resumed.onResume();
        RolloutAction page = build.action(ENDPOINT);
        assertThat(page.state().gate().signatures().get(0).roles()).containsExactly("platform", "risk");
        assertThat(page.getGateSummary()).contains("waiting for: platform 1/1, risk 0/1");

        page.live()
                .submit(new Input.SignOff(
                        new Identity("dave-p", Set.of("platform-team"), false),
                        Decision.APPROVE,
                        "ok",
                        fixture.time.instant()));
        fixture.runUntilEnded(context);
        assertThat(context.result()).isPresent();
        assertThat(build.log()).contains("quorum 2; platform: dave-p; risk: erin");
    }

    @Test
    void aPromotionWatchingItsBakeIsWrittenReadAndResumedToItsOutcome() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runUntilEnded(canary);
        FakeStepContext context = build.newContext();
        StepExecution execution = started(new MlPromoteStep(ENDPOINT).start(context));
        fixture.runFor(Duration.ofMinutes(3));
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.WATCHING);

        StepExecution resumed = restart(execution, build);
        resumed.onResume();
        fixture.runUntilEnded(context);

        assertThat(context.result())
                .get()
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "PROMOTED");
        assertThat(fixture.serving.weight).isEqualTo(100);
    }

    @Test
    void aDirectRollbackIsWrittenReadAndResumedToItsOutcome() throws Exception {
        fixture.serving.weight = 40;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext context = build.newContext();
        StepExecution execution = started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(context));

        StepExecution resumed = restart(execution, build);
        resumed.onResume();
        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertThat(fixture.serving.weight).isZero();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    /** The controller goes down with {@code execution} in program.dat and comes back up. */
    private StepExecution restart(StepExecution execution, FakeBuild build) throws Exception {
        byte[] programDat = write(execution);
        for (RolloutAction action : build.run.getActions(RolloutAction.class)) {
            RolloutAction reloaded = Restart.reloaded(action);
            build.actions.remove(action);
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);
        }
        fixture.restart();
        return read(programDat);
    }

    /** As RiverWriter: a River marshaller with a default configuration. */
    private static byte[] write(Object execution) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Marshaller marshaller = new RiverMarshallerFactory().createMarshaller(new MarshallingConfiguration());
        marshaller.start(Marshalling.createByteOutput(bytes));
        marshaller.writeObject(execution);
        marshaller.finish();
        return bytes.toByteArray();
    }

    /** As RiverReader: a River unmarshaller resolving classes with the plugin's class loader. */
    private static StepExecution read(byte[] programDat) throws IOException, ClassNotFoundException {
        MarshallingConfiguration config = new MarshallingConfiguration();
        config.setClassResolver(new SimpleClassResolver(ProgramDatTest.class.getClassLoader()));
        Unmarshaller unmarshaller = new RiverMarshallerFactory().createUnmarshaller(config);
        unmarshaller.start(Marshalling.createByteInput(new ByteArrayInputStream(programDat)));
        StepExecution read = unmarshaller.readObject(StepExecution.class);
        unmarshaller.finish();
        return read;
    }
}

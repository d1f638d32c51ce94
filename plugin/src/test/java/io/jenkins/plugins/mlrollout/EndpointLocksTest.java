package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.time.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One rollout per endpoint per controller, kept across restarts in a file under the Jenkins home. */
class EndpointLocksTest {

    @TempDir
    Path home;

    private final Map<String, Run<?, ?>> builds = new HashMap<>();
    private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-23T10:00:00Z"));

    private EndpointLocks locks() {
        return new EndpointLocks(home.resolve("holders.json"), builds::get, time);
    }

    private FakeBuild build(String job, int number) {
        FakeBuild build = new FakeBuild(job, number, "dave", home);
        builds.put(build.run.getExternalizableId(), build.run);
        return build;
    }

    @Test
    void aCorruptHoldersFileIsMovedAsideAndStepsCanStillTakeEndpoints() throws Exception {
        Path file = home.resolve("holders.json");
        Files.writeString(file, "{\"fraud-scorer\": {\"build\": \"fraud-dep", StandardCharsets.UTF_8);
        FakeBuild build = build("fraud-deploy", 41);

        EndpointLocks locks = locks();

        assertThat(locks.acquire("fraud-scorer", build.run)).isEmpty();
        assertThat(home.resolve("holders.json.corrupt")).hasContent("{\"fraud-scorer\": {\"build\": \"fraud-dep");
        assertThat(locks().holder("fraud-scorer"))
                .as("a good file is written again")
                .isPresent();
    }

    @Test
    void aHeldEndpointIsRefusedToAnotherRunningBuildNamingTheHolder() throws AbortException {
        EndpointLocks locks = locks();
        FakeBuild holder = build("fraud-deploy", 41);
        FakeBuild other = build("fraud-deploy", 42);
        locks.acquire("fraud-scorer", holder.run);

        assertThatThrownBy(() -> locks.acquire("fraud-scorer", other.run))
                .isInstanceOf(AbortException.class)
                .hasMessage("endpoint 'fraud-scorer' is busy: build fraud-deploy #41 (fraud-deploy#41) has had a"
                        + " rollout on it since 2026-11-23T10:00:00Z; one rollout per endpoint runs at a time. Wait"
                        + " for it, or stop it with mlRollback");
        assertThat(locks.acquire("churn-model", other.run))
                .as("other endpoints are free")
                .isEmpty();
    }

    @Test
    void theHoldersSurviveARestart() throws AbortException {
        FakeBuild holder = build("fraud-deploy", 41);
        locks().acquire("fraud-scorer", holder.run);

        EndpointLocks afterRestart = locks();

        assertThat(afterRestart.holder("fraud-scorer"))
                .hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("fraud-deploy #41"));
        assertThatThrownBy(() -> afterRestart.acquire("fraud-scorer", build("other", 1).run))
                .hasMessageContaining("is busy");
    }

    @Test
    void onlyTheHolderReleasesAndAReleaseIsKeptAcrossARestart() throws AbortException {
        EndpointLocks locks = locks();
        FakeBuild holder = build("fraud-deploy", 41);
        FakeBuild other = build("fraud-deploy", 42);
        locks.acquire("fraud-scorer", holder.run);

        locks.release("fraud-scorer", other.run);
        assertThat(locks.holder("fraud-scorer")).isPresent();
        locks.release("fraud-scorer", holder.run);

        assertThat(locks().holder("fraud-scorer")).isEmpty();
    }

    @Test
    void aHolderThatNoLongerExistsIsLetGoWhenSomeoneAsksAndTheyAreTold() throws AbortException {
        EndpointLocks locks = locks();
        FakeBuild gone = build("fraud-deploy", 41);
        locks.acquire("fraud-scorer", gone.run);
        builds.remove(gone.run.getExternalizableId());

        assertThat(locks.acquire("fraud-scorer", build("fraud-deploy", 42).run))
                .hasValue("endpoint 'fraud-scorer' was held by build fraud-deploy #41, which no longer exists; that"
                        + " hold was released");
    }

    @Test
    void aBuildHoldsAnEndpointOnce() throws AbortException {
        EndpointLocks locks = locks();
        FakeBuild build = build("fraud-deploy", 41);
        locks.acquire("fraud-scorer", build.run);

        assertThatThrownBy(() -> locks.acquire("fraud-scorer", build.run))
                .hasMessageContaining("already has a rollout in this build");
    }

    @Test
    void onlyAHolderThatIsStillBuildingIsReportedAsRunning() throws AbortException {
        EndpointLocks locks = locks();
        FakeBuild holder = build("fraud-deploy", 41);
        locks.acquire("fraud-scorer", holder.run);
        assertThat(locks.activeHolder("fraud-scorer")).contains(holder.run);

        holder.building = false;

        assertThat(locks.activeHolder("fraud-scorer")).isEmpty();
    }
}

package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.time.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One rollout per endpoint per controller, kept across restarts in a file under the Jenkins home. */
class EndpointLocksTest {

    @TempDir
    Path home;

    private final Map<String, Run<?, ?>> builds = new HashMap<>();
    private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-23T10:00:00Z"));

    private EndpointLocks locks() {
        return new EndpointLocks(new XStreamStore(file()), builds::get, time);
    }

    private Path file() {
        return home.resolve("holders.xml");
    }

    private FakeBuild build(String job, int number) {
        FakeBuild build = new FakeBuild(job, number, "dave", home);
        builds.put(build.run.getExternalizableId(), build.run);
        return build;
    }

    @Test
    void theHoldersFileIsXmlThatXStreamReadsBack() throws Exception {
        locks().acquire("fraud-scorer", build("fraud-deploy", 41).run);

        assertThat(Files.readString(file()))
                .startsWith("<?xml version='1.1' encoding='UTF-8'?>")
                .contains("<build>fraud-deploy#41</build>")
                .contains("<since>2026-11-23T10:00:00Z</since>");
        assertThat(new XStreamStore(file()).read()).isInstanceOf(EndpointLocks.Saved.class);
    }

    /** Cut short by a full disk, or edited by hand into something else. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "<?xml version='1.1' encoding='UTF-8'?>\n<io.jenkins.plugins.mlrollout.EndpointLocks_-Saved>\n  <holders>\n"
                        + "    <entry>\n      <string>fraud-scorer</string>\n      <io.jenkins.plugins.mlro",
                "<?xml version='1.1' encoding='UTF-8'?>\n<string>not the holders</string>\n",
                "<?xml version='1.1' encoding='UTF-8'?>\n<io.jenkins.plugins.mlrollout.EndpointLocks_-Saved>\n  <holders>\n"
                        + "    <entry>\n      <string>fraud-scorer</string>\n"
                        + "      <io.jenkins.plugins.mlrollout.EndpointLocks_-Holder/>\n    </entry>\n  </holders>\n"
                        + "</io.jenkins.plugins.mlrollout.EndpointLocks_-Saved>\n"
            })
    void aFileThatCannotBeReadIsMovedAsideAndNoCanaryStartsWhereAHoldMayHaveBeenLost(String content) throws Exception {
        Files.writeString(file(), content, StandardCharsets.UTF_8);
        FakeBuild build = build("fraud-deploy", 41);

        EndpointLocks locks = locks();

        assertThat(home.resolve("holders.xml.corrupt")).hasContent(content);
        assertThatThrownBy(() -> locks.acquire("fraud-scorer", build.run))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("endpoint 'fraud-scorer': who holds it has been unknown since"
                        + " 2026-11-23T10:00:00Z, when " + file() + " could not be read (it was kept as"
                        + " holders.xml.corrupt; see Jenkins' log)")
                .hasMessageContaining("mlRollback(endpoint: 'fraud-scorer'");
        assertThatThrownBy(() -> locks().acquire("churn-model", build.run))
                .as("a restart does not forget that the holders are unknown")
                .hasMessageContaining("who holds it has been unknown");
    }

    @Test
    void aRollbackOfAnEndpointWhoseHolderIsUnknownGoesAheadAndThenCanariesMayStartThere() throws Exception {
        Files.writeString(file(), "<?xml version='1.1' encoding='UTF-8'?>\n<cut", StandardCharsets.UTF_8);
        EndpointLocks locks = locks();
        FakeBuild rollback = build("fraud-smoke-tests", 9);

        assertThat(locks.acquireToRollBack("fraud-scorer", rollback.run, false))
                .hasValueSatisfying(
                        note -> assertThat(note).startsWith("who held endpoint 'fraud-scorer' was unknown"));
        locks.release("fraud-scorer", rollback.run);

        assertThat(locks.acquire("fraud-scorer", build("fraud-deploy", 42).run)).isEmpty();
        assertThat(locks.unknown("churn-model"))
                .as("other endpoints stay unknown")
                .isTrue();
    }

    @Test
    void aRolloutThatSettlesOnAnEndpointWhoseHolderIsUnknownMakesItKnownFree() throws Exception {
        Files.writeString(file(), "<?xml version='1.1' encoding='UTF-8'?>\n<cut", StandardCharsets.UTF_8);
        EndpointLocks locks = locks();
        FakeBuild runningSinceBefore = build("fraud-deploy", 41);

        locks.release("fraud-scorer", runningSinceBefore.run);

        assertThat(locks().acquire("fraud-scorer", build("fraud-deploy", 42).run))
                .isEmpty();
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
    void aReleaseIsARecentOutcomeKeptAcrossARestartNewestFirstAndAtMostTwenty() throws AbortException {
        EndpointLocks locks = locks();
        for (int number = 1; number <= EndpointLocks.RECENT + 2; number++) {
            FakeBuild build = build("fraud-deploy", number);
            locks.acquire("fraud-scorer", build.run);
            time.advance(Duration.ofMinutes(number));
            locks.release("fraud-scorer", build.run);
        }

        List<EndpointLocks.Released> recent = locks().recent();

        assertThat(recent).hasSize(EndpointLocks.RECENT);
        EndpointLocks.Released newest = recent.get(0);
        assertThat(newest.build()).isEqualTo("fraud-deploy#22");
        assertThat(newest.name()).isEqualTo("fraud-deploy #22");
        assertThat(newest.endpoint()).isEqualTo("fraud-scorer");
        assertThat(newest.outcome()).isEqualTo("RELEASED");
        assertThat(Duration.between(newest.since(), newest.until())).isEqualTo(Duration.ofMinutes(22));
        assertThat(recent.get(EndpointLocks.RECENT - 1).build()).isEqualTo("fraud-deploy#3");
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

    /** A job deleted and created again under the same name numbers its builds from 1 again. */
    @Test
    void aBuildOfAJobCreatedAgainIsNotTakenForTheDeletedJobsBuildWithItsNumber() throws AbortException {
        EndpointLocks locks = locks();
        locks.acquire("fraud-scorer", build("fraud-deploy", 1).run);
        FakeBuild sameIdLater = build("fraud-deploy", 1); // the deleted job's build is gone; this one has its id

        assertThat(locks.activeHolder("fraud-scorer")).isEmpty();
        assertThat(locks.acquire("fraud-scorer", sameIdLater.run))
                .hasValue("endpoint 'fraud-scorer' was held by build fraud-deploy #1, which no longer exists; that"
                        + " hold was released");
        assertThat(locks.activeHolder("fraud-scorer")).containsSame(sameIdLater.run);
        assertThatThrownBy(() -> locks.acquire("fraud-scorer", sameIdLater.run))
                .hasMessageContaining("already has a rollout in this build");
    }

    /** Files written before holders kept their build's time: the id alone decides, as it did then. */
    @Test
    void aHolderWrittenWithoutItsBuildsTimeIsTheBuildWithItsId() throws Exception {
        FakeBuild holder = build("fraud-deploy", 41);
        Files.writeString(
                file(),
                "<?xml version='1.1' encoding='UTF-8'?>\n<io.jenkins.plugins.mlrollout.EndpointLocks_-Saved>\n"
                        + "  <holders>\n    <entry>\n      <string>fraud-scorer</string>\n"
                        + "      <io.jenkins.plugins.mlrollout.EndpointLocks_-Holder>\n"
                        + "        <build>fraud-deploy#41</build>\n        <name>fraud-deploy #41</name>\n"
                        + "        <since>2026-11-23T09:00:00Z</since>\n"
                        + "      </io.jenkins.plugins.mlrollout.EndpointLocks_-Holder>\n    </entry>\n  </holders>\n"
                        + "</io.jenkins.plugins.mlrollout.EndpointLocks_-Saved>\n",
                StandardCharsets.UTF_8);

        EndpointLocks locks = locks();

        assertThat(locks.activeHolder("fraud-scorer")).containsSame(holder.run);
        assertThatThrownBy(() -> locks.acquire("fraud-scorer", build("fraud-deploy", 42).run))
                .hasMessageContaining("is busy: build fraud-deploy #41");
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

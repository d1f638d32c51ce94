package io.jenkins.plugins.mlrollout;

import com.fasterxml.jackson.core.type.TypeReference;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.mlrollout.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * One rollout per endpoint per controller. Each endpoint with a rollout under way is held by the build running it;
 * the holders are kept in a small JSON file under the Jenkins home, read when Jenkins first asks for this extension, so a
 * restart keeps every endpoint held by the build that is resumed with it. A holder that no longer exists, or has ended
 * with its rollout settled, is let go when someone else asks for the endpoint (and the one asking is told).
 */
@Extension
public class EndpointLocks {

    /** Finds a build by its externalizable id ({@code job/path#number}); null when it is gone. */
    @FunctionalInterface
    interface Builds {
        @CheckForNull
        Run<?, ?> find(String externalizableId);
    }

    /**
     * Who holds an endpoint.
     *
     * @param build the holder's externalizable id
     * @param name the holder's display name when it took the endpoint, e.g. {@code fraud-deploy #41}
     * @param since when it took it
     */
    record Holder(String build, String name, Instant since) {}

    private static final Logger LOGGER = Logger.getLogger(EndpointLocks.class.getName());

    private static final String FILE_NAME = EndpointLocks.class.getName() + ".json";

    private final Path file;
    private final Builds builds;
    private final Clock clock;
    private final Map<String, Holder> holders;

    /** Jenkins creates the one instance, with the file under the Jenkins home. */
    public EndpointLocks() {
        this(Jenkins.get().getRootDir().toPath().resolve(FILE_NAME), EndpointLocks::findAsSystem, Clock.systemUTC());
    }

    EndpointLocks(Path file, Builds builds, Clock clock) {
        this.file = file;
        this.builds = builds;
        this.clock = clock;
        this.holders = load(file);
    }

    static EndpointLocks get() {
        return ExtensionList.lookupSingleton(EndpointLocks.class);
    }

    /**
     * Takes {@code endpoint} for {@code run}.
     *
     * @return what the build log should say when a stale holder was let go, or empty
     * @throws AbortException naming the holder, when another build that is still running holds the endpoint, or this
     *     build already holds it
     */
    synchronized Optional<String> acquire(String endpoint, Run<?, ?> run) throws AbortException {
        String id = run.getExternalizableId();
        Holder holder = holders.get(endpoint);
        Optional<String> note = Optional.empty();
        if (holder != null) {
            if (holder.build().equals(id)) {
                throw new AbortException("endpoint '" + endpoint + "' already has a rollout in this build (since "
                        + holder.since() + "); a build runs one rollout per endpoint");
            }
            Optional<String> stale = staleness(endpoint, holder);
            if (stale.isEmpty()) {
                throw new AbortException("endpoint '" + endpoint + "' is busy: build " + holder.name() + " ("
                        + holder.build() + ") has had a rollout on it since " + holder.since()
                        + "; one rollout per endpoint runs at a time. Wait for it, or stop it with mlRollback");
            }
            note = Optional.of("endpoint '" + endpoint + "' was held by build " + holder.name() + ", which "
                    + stale.get() + "; that hold was released");
        }
        holders.put(endpoint, new Holder(id, run.getFullDisplayName(), clock.instant()));
        save();
        return note;
    }

    /**
     * As {@link #acquire}, except that a hold {@code run} already has is kept: for a step resumed after a restart,
     * whose hold from before the restart was read back from the file.
     */
    synchronized Optional<String> keepOrAcquire(String endpoint, Run<?, ?> run) throws AbortException {
        Holder holder = holders.get(endpoint);
        if (holder != null && holder.build().equals(run.getExternalizableId())) {
            return Optional.empty();
        }
        return acquire(endpoint, run);
    }

    /** Lets {@code endpoint} go if {@code run} holds it; does nothing otherwise, so every ending may call it. */
    synchronized void release(String endpoint, Run<?, ?> run) {
        Holder holder = holders.get(endpoint);
        if (holder != null && holder.build().equals(run.getExternalizableId())) {
            holders.remove(endpoint);
            save();
        }
    }

    synchronized Optional<Holder> holder(String endpoint) {
        return Optional.ofNullable(holders.get(endpoint));
    }

    /** The build that holds {@code endpoint} and still counts (see {@link #staleness}), if any. */
    synchronized Optional<Run<?, ?>> activeHolder(String endpoint) {
        Holder holder = holders.get(endpoint);
        if (holder == null || staleness(endpoint, holder).isPresent()) {
            return Optional.empty();
        }
        return Optional.ofNullable(builds.find(holder.build()));
    }

    /** Every endpoint held now, with its holder. */
    synchronized Map<String, Holder> holders() {
        return Map.copyOf(holders);
    }

    /** The build with this externalizable id, or null when it is gone. */
    @CheckForNull
    Run<?, ?> build(String externalizableId) {
        return builds.find(externalizableId);
    }

    /**
     * Why a holder no longer counts, or empty when it still does. A build that has ended still holds the endpoint while
     * its rollout there has not settled (a rollback queued when the build ended, a canary left at its weight, a failed
     * rollback): the router is not at rest, and a new canary must not start on it.
     */
    private Optional<String> staleness(String endpoint, Holder holder) {
        Run<?, ?> run = builds.find(holder.build());
        if (run == null) {
            return Optional.of("no longer exists");
        }
        if (run.isBuilding()) {
            return Optional.empty();
        }
        boolean unsettled =
                RolloutAction.find(run, endpoint).map(a -> !a.isSettled()).orElse(false);
        return unsettled ? Optional.empty() : Optional.of("is no longer building");
    }

    /**
     * Reads the holders. A file that cannot be read (cut short by a full disk, edited by hand) must not fail every step
     * from now on: it is moved aside, for an administrator to look at, with a warning in Jenkins' log, and the holders
     * start empty. Rollouts under way keep running; only the check against a second canary on their endpoint is lost
     * until they end.
     */
    private static Map<String, Holder> load(Path file) {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            Map<String, Holder> read =
                    Json.mapper().readValue(Files.readString(file, StandardCharsets.UTF_8), new TypeReference<>() {});
            if (read == null || read.values().stream().anyMatch(h -> h == null || h.build() == null)) {
                throw new IOException("not a map of endpoint holders");
            }
            return new TreeMap<>(read);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            LOGGER.log(
                    Level.WARNING,
                    "ML Rollout: cannot read the endpoint holders in " + file + "; moved it to " + aside
                            + " and starting with no endpoint held",
                    e);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                e.addSuppressed(moveFailed);
            }
            return new TreeMap<>();
        }
    }

    /** Written to a temporary file and moved into place, so a crash never leaves half a file. */
    private void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, Json.mapper().writeValueAsString(holders), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the endpoint holders to " + file, e);
        }
    }

    /** Looks a build up whatever the current user may see: who holds an endpoint is not a question of permission. */
    private static Run<?, ?> findAsSystem(String externalizableId) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            return Run.fromExternalizableId(externalizableId);
        } catch (IllegalArgumentException e) {
            return null; // the job or its folder was renamed or removed
        }
    }
}

package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.XmlFile;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.mlrollout.core.analysis.Format;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * One rollout per endpoint per controller. Each endpoint with a rollout under way is held by the build running it;
 * the holders are kept under the Jenkins home in an XML file written by Jenkins' own {@link XmlFile}, read when Jenkins
 * first asks for this extension, so a restart keeps every endpoint held by the build that is resumed with it. A holder
 * that no longer exists, or has ended with its rollout settled, is let go when someone else asks for the endpoint (and
 * the one asking is told).
 *
 * <p>A file that cannot be read is set aside and never fails the steps as a whole; but the holds it had are lost, and
 * a lost hold may be a rollout still under way. So the holders become <em>unknown</em>: no canary starts on an
 * endpoint until it is known to be free again, which it is once a rollout on it settles or an {@code mlRollback} of it
 * has returned its traffic to the baseline. Rollbacks, promotions and the rollouts under way go on as before.
 */
@Extension
public class EndpointLocks {

    /** Finds a build by its externalizable id ({@code job/path#number}); null when it is gone. */
    @FunctionalInterface
    interface Builds {
        @CheckForNull
        Run<?, ?> find(String externalizableId);
    }

    /** Where the holders are kept: an {@link XmlFile} in Jenkins, a real XStream in the tests. */
    interface Store {
        Path file();

        boolean exists();

        /** The object the file holds; content that cannot be read is an {@link IOException}, as XmlFile reports it. */
        @CheckForNull
        Object read() throws IOException;

        void write(Object state) throws IOException;
    }

    /**
     * Who holds an endpoint: the holder's externalizable id, its display name then, and since when. The time is kept as
     * ISO-8601 text: Jenkins' XStream refuses to write {@code java.time} objects (they are not on its list of JDK
     * classes a file may hold).
     *
     * <p>An externalizable id names a build only while its job lives: a job deleted and created again under the same
     * name numbers its builds from 1 again. So the holder also keeps when its build was scheduled ({@code
     * Run.getTimeInMillis()}), which tells the build that holds the endpoint from a later one with the same id. Files
     * written before it was kept read it as 0: the id alone decides then, as it did.
     */
    static final class Holder {
        private final String build;
        private final String name;
        private final String since;
        private final long scheduled;

        Holder(String build, String name, Instant since, long scheduled) {
            this.build = build;
            this.name = name;
            this.since = since.toString();
            this.scheduled = scheduled;
        }

        String build() {
            return build;
        }

        /** Whether {@code run} is the build that holds the endpoint, not a later build that reuses its id. */
        boolean is(Run<?, ?> run) {
            return build.equals(run.getExternalizableId()) && (scheduled == 0 || scheduled == run.getTimeInMillis());
        }

        /** e.g. {@code fraud-deploy #41} */
        String name() {
            return name;
        }

        Instant since() {
            return Instant.parse(since);
        }
    }

    /**
     * A rollout that let its endpoint go: for the ML Rollouts page's recent outcomes. Times as ISO-8601 text, as in
     * {@link Holder}.
     */
    static final class Released {
        private final String endpoint;
        private final String build;
        private final String name;
        private final String outcome;
        private final String since;
        private final String until;

        Released(String endpoint, Holder holder, String outcome, Instant until) {
            this.endpoint = endpoint;
            this.build = holder.build();
            this.name = holder.name();
            this.outcome = outcome;
            this.since = holder.since().toString();
            this.until = until.toString();
        }

        String endpoint() {
            return endpoint;
        }

        String build() {
            return build;
        }

        String name() {
            return name;
        }

        /** The rollout's phase when it let go, e.g. {@code ROLLED_BACK}; {@code RELEASED} for a plain mlRollback. */
        String outcome() {
            return outcome;
        }

        Instant since() {
            return Instant.parse(since);
        }

        Instant until() {
            return Instant.parse(until);
        }
    }

    /** How many released rollouts the file keeps, newest first. */
    static final int RECENT = 20;

    /**
     * What the file holds. Plain classes, not records: XStream cannot set the fields of a record; and hash collections,
     * whose converters need no reflective access into {@code java.util}.
     */
    static final class Saved {
        private HashMap<String, Holder> holders = new HashMap<>();
        /** When the holders were lost (a file that could not be read), ISO-8601; null while they are known. */
        private @CheckForNull String unknownSince;
        /** Endpoints known to be free (or held again) since the holders were lost. */
        private HashSet<String> knownSince = new HashSet<>();
        /** The last {@link #RECENT} rollouts that let their endpoint go, newest first. */
        private ArrayList<Released> recent = new ArrayList<>();

        /** XStream leaves a field it found no element for null. */
        private Object readResolve() {
            holders = holders == null ? new HashMap<>() : holders;
            recent = recent == null ? new ArrayList<>() : recent;
            knownSince = knownSince == null ? new HashSet<>() : knownSince;
            return this;
        }

        private boolean valid() {
            try {
                return holders.values().stream().allMatch(h -> h != null && h.build() != null && h.since() != null)
                        && (unknownSince == null || Instant.parse(unknownSince) != null);
            } catch (RuntimeException unreadableTime) {
                return false;
            }
        }
    }

    private static final Logger LOGGER = Logger.getLogger(EndpointLocks.class.getName());

    private static final String FILE_NAME = EndpointLocks.class.getName() + ".xml";

    private final Store store;
    private final Builds builds;
    private final Clock clock;
    private final Saved saved;

    /** Jenkins creates the one instance, with the file under the Jenkins home. */
    public EndpointLocks() {
        this(
                xmlFile(new XmlFile(new File(Jenkins.get().getRootDir(), FILE_NAME))),
                EndpointLocks::findAsSystem,
                Clock.systemUTC());
    }

    EndpointLocks(Store store, Builds builds, Clock clock) {
        this.store = store;
        this.builds = builds;
        this.clock = clock;
        this.saved = load();
    }

    static Store xmlFile(XmlFile xml) {
        return new Store() {
            @Override
            public Path file() {
                return xml.getFile().toPath();
            }

            @Override
            public boolean exists() {
                return xml.exists();
            }

            @Override
            public Object read() throws IOException {
                return xml.read();
            }

            @Override
            public void write(Object state) throws IOException {
                xml.write(state);
            }
        };
    }

    static EndpointLocks get() {
        return ExtensionList.lookupSingleton(EndpointLocks.class);
    }

    /**
     * Takes {@code endpoint} for {@code run}, for a canary.
     *
     * @return what the build log should say when a stale holder was let go, or empty
     * @throws AbortException naming the holder, when another build that is still running holds the endpoint, or this
     *     build already holds it; or when who holds it is unknown (see the class comment), saying how to free it
     */
    synchronized Optional<String> acquire(String endpoint, Run<?, ?> run) throws AbortException {
        if (unknown(endpoint)) {
            throw new AbortException("endpoint '" + endpoint + "': who holds it has been unknown since "
                    + saved.unknownSince + ", when " + store.file() + " could not be read (it was kept as "
                    + aside().getFileName() + "; see Jenkins' log). A rollout may still be under way on it, so no"
                    + " canary starts here until it is known to be free: once a rollout on it settles, or after"
                    + " mlRollback(endpoint: '" + endpoint + "', reason: '...') has returned its traffic to the"
                    + " baseline");
        }
        return take(endpoint, run);
    }

    /**
     * Takes {@code endpoint} for {@code run}'s {@code mlRollback} when no rollout of it is under way, so that no canary
     * starts under the rollback. A rollback is the safe way, so it is never refused for unknown holders: it returns the
     * traffic to the baseline, after which the endpoint is known again. Resumed after a restart, the step still holds
     * the endpoint from before and keeps that hold.
     *
     * @return what the build log should say (a stale holder let go, unknown holders), or empty
     */
    synchronized Optional<String> acquireToRollBack(String endpoint, Run<?, ?> run, boolean resumed)
            throws AbortException {
        Holder holder = saved.holders.get(endpoint);
        if (resumed && holder != null && holder.is(run)) {
            return Optional.empty();
        }
        if (unknown(endpoint)) {
            Optional<String> note = take(endpoint, run);
            return Optional.of("who held endpoint '" + endpoint + "' was unknown since " + saved.unknownSince
                    + " (the endpoint holders file could not be read); once this rollback has returned its traffic"
                    + " to the baseline, canaries may start on it again"
                    + note.map(n -> "; " + n).orElse(""));
        }
        return take(endpoint, run);
    }

    private Optional<String> take(String endpoint, Run<?, ?> run) throws AbortException {
        Holder holder = saved.holders.get(endpoint);
        Optional<String> note = Optional.empty();
        if (holder != null) {
            if (holder.is(run)) {
                throw new AbortException("endpoint '" + endpoint + "' already has a rollout in this build (since "
                        + Format.moment(holder.since()) + "); a build runs one rollout per endpoint");
            }
            Optional<String> stale = staleness(endpoint, holder);
            if (stale.isEmpty()) {
                throw new AbortException("endpoint '" + endpoint + "' is busy: build " + holder.name() + " ("
                        + holder.build() + ") has had a rollout on it since " + Format.moment(holder.since())
                        + "; one rollout per endpoint runs at a time. Wait for it, or stop it with mlRollback");
            }
            note = Optional.of("endpoint '" + endpoint + "' was held by build " + holder.name() + ", which "
                    + stale.get() + "; that hold was released");
        }
        saved.holders.put(
                endpoint,
                new Holder(
                        run.getExternalizableId(), run.getFullDisplayName(), clock.instant(), run.getTimeInMillis()));
        known(endpoint);
        save();
        return note;
    }

    /**
     * Lets {@code endpoint} go if {@code run} holds it; does nothing otherwise, so every ending may call it. A release
     * means {@code run}'s rollout of the endpoint has ended, so an endpoint whose holder was unknown is known free: the
     * hold that was lost can only have been that rollout's, since none could start there after it was lost.
     */
    synchronized void release(String endpoint, Run<?, ?> run) {
        Holder holder = saved.holders.get(endpoint);
        if (holder != null && holder.is(run)) {
            saved.holders.remove(endpoint);
            String outcome = RolloutAction.find(run, endpoint)
                    .map(RolloutAction::getPhase)
                    .orElse("RELEASED");
            saved.recent.add(0, new Released(endpoint, holder, outcome, clock.instant()));
            while (saved.recent.size() > RECENT) {
                saved.recent.remove(saved.recent.size() - 1);
            }
            save();
        } else if (unknown(endpoint)) {
            known(endpoint);
            save();
        }
    }

    synchronized Optional<Holder> holder(String endpoint) {
        return Optional.ofNullable(saved.holders.get(endpoint));
    }

    /** The build that holds {@code endpoint} and still counts (see {@link #staleness}), if any. */
    synchronized Optional<Run<?, ?>> activeHolder(String endpoint) {
        Holder holder = saved.holders.get(endpoint);
        if (holder == null || staleness(endpoint, holder).isPresent()) {
            return Optional.empty();
        }
        return holdingBuild(holder);
    }

    /** The build that holds the endpoint, if it still exists: not a later build that reuses its id. */
    Optional<Run<?, ?>> holdingBuild(Holder holder) {
        Run<?, ?> run = builds.find(holder.build());
        return run != null && holder.is(run) ? Optional.of(run) : Optional.empty();
    }

    /** Every endpoint held now, with its holder. */
    synchronized Map<String, Holder> holders() {
        return Map.copyOf(saved.holders);
    }

    /** The last rollouts that let their endpoint go, newest first. */
    synchronized List<Released> recent() {
        return List.copyOf(saved.recent);
    }

    /** Whether nobody knows who holds {@code endpoint}: the holders were lost and it has not been seen free since. */
    synchronized boolean unknown(String endpoint) {
        return saved.unknownSince != null
                && !saved.knownSince.contains(endpoint)
                && !saved.holders.containsKey(endpoint);
    }

    private void known(String endpoint) {
        if (saved.unknownSince != null) {
            saved.knownSince.add(endpoint);
        }
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
        Run<?, ?> run = holdingBuild(holder).orElse(null);
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
     * from now on, nor be taken for "nothing held": it is moved aside for an administrator to look at, Jenkins' log
     * says so, and the holders become unknown (see the class comment), which a new file records at once.
     */
    private Saved load() {
        if (!store.exists()) {
            return new Saved();
        }
        try {
            if (store.read() instanceof Saved read && read.valid()) {
                return read;
            }
            throw new IOException("it does not hold the endpoint holders");
        } catch (IOException | RuntimeException e) {
            Path file = store.file();
            LOGGER.log(
                    Level.WARNING,
                    "ML Rollout: cannot read the endpoint holders in " + file + "; moved it to " + aside()
                            + ". Who holds which endpoint is now unknown: no canary starts on an endpoint until a"
                            + " rollout on it settles or an mlRollback of it returns its traffic to the baseline",
                    e);
            try {
                Files.move(file, aside(), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                e.addSuppressed(moveFailed);
            }
            Saved lost = new Saved();
            lost.unknownSince = clock.instant().toString();
            write(lost);
            return lost;
        }
    }

    private Path aside() {
        return store.file().resolveSibling(store.file().getFileName() + ".corrupt");
    }

    private void save() {
        write(saved);
    }

    /** XmlFile writes a temporary file and moves it into place, so a crash never leaves half a file. */
    private void write(Saved state) {
        try {
            store.write(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the endpoint holders to " + store.file(), e);
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

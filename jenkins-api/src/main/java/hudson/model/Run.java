// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Run.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import java.io.File;
import java.io.IOException;
import java.util.List;

/** One build of a {@link Job}. */
public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable
        implements ExtensionPoint, AccessControlled {

    protected Run(@NonNull JobT job) throws IOException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @CheckForNull Result getResult() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public void setResult(@NonNull Result r) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean isBuilding() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull JobT getParent() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public String getFullDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public final long getTimeInMillis() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getUrl() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public final @NonNull String getAbsoluteUrl() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @CheckForNull RunT getPreviousBuild() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull List<Cause> getCauses() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull File getRootDir() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public synchronized void save() throws IOException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getExternalizableId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @CheckForNull static Run<?, ?> fromExternalizableId(String id) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}

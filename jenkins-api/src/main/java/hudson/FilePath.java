// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/FilePath.java
package hudson;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/**
 * A file or directory on the controller or an agent; each call that touches the file runs where it is. (The real class
 * implements org.jenkinsci.remoting.SerializableOnlyOverRemoting, a Serializable.)
 */
public final class FilePath implements Serializable {
    private static final long serialVersionUID = 1L;

    public FilePath(File localPath) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** The path on the machine the file is on. */
    public String getRemote() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** A relative or absolute path from this one, on the same machine. */
    public FilePath child(String relOrAbsolute) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /**
     * Whether the relative path, symbolic links resolved, stays under this directory; an absolute path is refused
     * with an IllegalArgumentException.
     */
    public boolean isDescendant(String potentialChildRelativePath) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean exists() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean isDirectory() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public long length() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public InputStream read() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}

// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/XmlFile.java
package hudson;

import java.io.File;
import java.io.IOException;

/**
 * A file of XML written and read with Jenkins' XStream (XStream2), as Jenkins keeps its own configuration; writes go
 * to a temporary file moved into place. {@link #read()} reports content it cannot read as an {@link IOException}.
 */
public final class XmlFile {

    public XmlFile(File file) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public File getFile() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public Object read() throws IOException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public void write(Object o) throws IOException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean exists() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}

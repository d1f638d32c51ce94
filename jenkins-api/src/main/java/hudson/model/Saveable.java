// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Saveable.java
package hudson.model;

import java.io.IOException;

/** An object that persists itself. */
public interface Saveable {
    void save() throws IOException;
}

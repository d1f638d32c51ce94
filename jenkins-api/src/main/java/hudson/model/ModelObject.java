// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/ModelObject.java
package hudson.model;

/** An object with a name for humans. */
public interface ModelObject {
    String getDisplayName();
}

// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/ExtensionPoint.java
package hudson;

/** Marker for types that other plugins may implement as extensions. */
public interface ExtensionPoint {}

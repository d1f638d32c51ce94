// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/listeners/ItemListener.java
package hudson.model.listeners;

import hudson.ExtensionPoint;

/** Told about items; {@link #onLoaded()} once all jobs are loaded from disk. Mirror behaviour: the callbacks do nothing. */
public class ItemListener implements ExtensionPoint {

    public void onLoaded() {}
}

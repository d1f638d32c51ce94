// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/TopLevelItem.java
package hudson.model;

import hudson.ExtensionPoint;

/** An item that may sit directly in Jenkins or a folder (a job, a folder). */
public interface TopLevelItem extends Item, ExtensionPoint, Describable<TopLevelItem> {}

// Mirrors org.jenkins-ci.plugins:cloudbees-folder:6.1106.v3a_d9a_6d2465e,
// src/main/java/com/cloudbees/hudson/plugins/folder/AbstractFolderProperty.java
package com.cloudbees.hudson.plugins.folder;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

/**
 * A property of a folder, configured on the folder's configure page. The real class also implements core's {@code
 * ReconfigurableDescribable} and keeps its folder as {@code owner}; the plugin uses neither.
 */
public abstract class AbstractFolderProperty<C extends AbstractFolder<?>>
        extends AbstractDescribableImpl<AbstractFolderProperty<?>> implements ExtensionPoint {}

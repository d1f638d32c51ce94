// Mirrors org.jenkins-ci.plugins:cloudbees-folder:6.1106.v3a_d9a_6d2465e,
// src/main/java/com/cloudbees/hudson/plugins/folder/AbstractFolderPropertyDescriptor.java
package com.cloudbees.hudson.plugins.folder;

import hudson.model.Descriptor;

/**
 * The descriptor of a folder property. The real class declares no constructor (so the implicit public one calls {@link
 * Descriptor#Descriptor()}, which needs the descriptor nested in its property class) and decides from the property's
 * type argument which folders it applies to.
 */
public abstract class AbstractFolderPropertyDescriptor extends Descriptor<AbstractFolderProperty<?>> {}

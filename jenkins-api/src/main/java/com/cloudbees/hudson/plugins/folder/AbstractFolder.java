// Mirrors org.jenkins-ci.plugins:cloudbees-folder:6.1106.v3a_d9a_6d2465e,
// src/main/java/com/cloudbees/hudson/plugins/folder/AbstractFolder.java
package com.cloudbees.hudson.plugins.folder;

import hudson.model.AbstractItem;
import hudson.model.ItemGroup;
import hudson.model.TopLevelItem;
import hudson.util.DescribableList;

/** A folder, or any other container that folder properties apply to (e.g. a multibranch project). */
public abstract class AbstractFolder<I extends TopLevelItem> extends AbstractItem
        implements TopLevelItem, ItemGroup<I> {

    protected AbstractFolder(ItemGroup parent, String name) {
        super(parent, name);
    }

    public DescribableList<AbstractFolderProperty<?>, AbstractFolderPropertyDescriptor> getProperties() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}

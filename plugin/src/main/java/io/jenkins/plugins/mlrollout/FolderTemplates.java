package io.jenkins.plugins.mlrollout;

import hudson.ExtensionPoint;
import hudson.model.Item;
import io.mlrollout.core.policy.TemplateCatalog;
import java.util.List;

/**
 * The policy templates that the folders around an item define, nearest folder first. A seam: the classes Jenkins
 * always loads never name a type of the Folders plugin, which is an optional dependency. Its one implementation,
 * {@link FolderTemplateWalk}, is an optional extension that Jenkins skips when that plugin is not installed; then no
 * implementation is registered and only the global templates apply.
 */
public interface FolderTemplates extends ExtensionPoint {

    /** One scope per folder above {@code item} that defines templates, the nearest first; empty for none. */
    List<TemplateCatalog.Scope> around(Item item);
}

package io.jenkins.plugins.mlrollout;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.ItemGroup;
import io.mlrollout.core.policy.TemplateCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the templates of the folders around a job: walks {@code Item.getParent()} up to Jenkins, and takes each
 * folder's {@link FolderPolicyTemplates}. Any container of the Folders plugin counts (a folder, a multibranch project,
 * an organization folder); a container that is not an item, Jenkins itself, ends the walk.
 *
 * <p>Optional: without the Folders plugin this class cannot be linked, and Jenkins' extension finder, which reads every
 * declared method's signature before it registers an extension, skips it (logged at FINE, as {@code optional} asks).
 * {@link #scope} names a folder type in its signature, so that happens when the class is registered, not later when a
 * build runs.
 */
@Extension(optional = true)
public class FolderTemplateWalk implements FolderTemplates {

    @Override
    public List<TemplateCatalog.Scope> around(Item item) {
        List<TemplateCatalog.Scope> scopes = new ArrayList<>();
        for (ItemGroup<?> group = item.getParent(); group instanceof Item container; group = container.getParent()) {
            if (group instanceof AbstractFolder<?> folder) {
                scope(folder).ifPresent(scopes::add);
            }
        }
        return scopes;
    }

    /** The templates {@code folder} defines, as a scope labelled with its full name; empty when it defines none. */
    static Optional<TemplateCatalog.Scope> scope(AbstractFolder<?> folder) {
        FolderPolicyTemplates property = folder.getProperties().get(FolderPolicyTemplates.class);
        if (property == null || property.getTemplates().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TemplateCatalog.Scope(
                label(folder.getFullName()),
                property.getTemplates().stream()
                        .map(SharedPolicyTemplate::template)
                        .toList()));
    }

    /** How messages and the evidence name a folder's scope, e.g. {@code folder 'team-a/risk'}. */
    static String label(String folderFullName) {
        return "folder '" + folderFullName + "'";
    }
}

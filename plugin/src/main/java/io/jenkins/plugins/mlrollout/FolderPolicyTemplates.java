package io.jenkins.plugins.mlrollout;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import com.cloudbees.hudson.plugins.folder.AbstractFolderProperty;
import com.cloudbees.hudson.plugins.folder.AbstractFolderPropertyDescriptor;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Shared policy templates defined on a folder, for the jobs inside it (at any depth): the same fields as the global
 * ones (see {@link SharedPolicyTemplate}). A folder's template shadows every version of a template with the same name in
 * an outer folder or the global configuration (see {@link FolderTemplateWalk}).
 *
 * <p>Configured on the folder's configure page, which the Folders plugin lets only people with Item/Configure on the
 * folder submit, and bound there, by configuration-as-code and by Job DSL through the same constructor and setter.
 */
public class FolderPolicyTemplates extends AbstractFolderProperty<AbstractFolder<?>> {

    private List<SharedPolicyTemplate> templates = new ArrayList<>();

    @DataBoundConstructor
    public FolderPolicyTemplates() {}

    public List<SharedPolicyTemplate> getTemplates() {
        // XStream leaves the field null when the folder's config.xml has no templates element.
        return templates == null ? List.of() : List.copyOf(templates);
    }

    /** Replaces the templates; refuses one name with the same version twice, as the global configuration does. */
    @DataBoundSetter
    public void setTemplates(@CheckForNull List<SharedPolicyTemplate> templates) {
        this.templates = new ArrayList<>(SharedPolicyTemplate.unique(templates));
    }

    /**
     * The section on the folder's configure page. Optional: without the Folders plugin its superclass is missing, and
     * Jenkins skips it.
     */
    @Extension(optional = true)
    @Symbol("mlRolloutTemplates")
    public static class DescriptorImpl extends AbstractFolderPropertyDescriptor {

        @Override
        public String getDisplayName() {
            return Messages.FolderPolicyTemplates_DisplayName();
        }
    }
}

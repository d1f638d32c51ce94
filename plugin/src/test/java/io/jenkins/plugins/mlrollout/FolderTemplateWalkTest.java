package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.util.DescribableList;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.TemplateCatalog;
import java.util.List;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;

/**
 * The walk from a job up through its folders to Jenkins, through the real signatures of core and the Folders plugin
 * ({@code Item.getParent()}, {@code AbstractFolder.getProperties().get(Class)}), mocked at those seams.
 */
class FolderTemplateWalkTest {

    private static final String BODY = TemplateStepTest.BODY;

    private final Jenkins jenkins = mock(Jenkins.class);

    @SuppressWarnings("unchecked")
    private static AbstractFolder<?> folder(String fullName, ItemGroup<?> parent, FolderPolicyTemplates templates) {
        AbstractFolder<?> folder = mock(AbstractFolder.class);
        when(folder.getFullName()).thenReturn(fullName);
        doReturn(parent).when(folder).getParent();
        DescribableList<com.cloudbees.hudson.plugins.folder.AbstractFolderProperty<?>, ?> properties =
                mock(DescribableList.class);
        when(properties.get(FolderPolicyTemplates.class)).thenReturn(templates);
        doReturn(properties).when(folder).getProperties();
        return folder;
    }

    private static FolderPolicyTemplates templates(SharedPolicyTemplate... templates) {
        FolderPolicyTemplates property = new FolderPolicyTemplates();
        property.setTemplates(List.of(templates));
        return property;
    }

    private static Job<?, ?> jobIn(ItemGroup<?> parent) {
        Job<?, ?> job = mock(Job.class);
        doReturn(parent).when(job).getParent();
        return job;
    }

    @Test
    void theFoldersAboveTheJobThatDefineTemplatesAreScopesNearestFirstUpToJenkins() {
        AbstractFolder<?> teamA = folder(
                "team-a",
                jenkins,
                templates(
                        new SharedPolicyTemplate("standard-canary", 2, BODY),
                        new SharedPolicyTemplate("gpu", 1, BODY)));
        AbstractFolder<?> plain = folder("team-a/services", teamA, null);
        AbstractFolder<?> risk =
                folder("team-a/services/risk", plain, templates(new SharedPolicyTemplate("standard-canary", 1, BODY)));

        List<TemplateCatalog.Scope> scopes = new FolderTemplateWalk().around(jobIn(risk));

        assertThat(scopes)
                .containsExactly(
                        new TemplateCatalog.Scope(
                                "folder 'team-a/services/risk'",
                                List.of(new PolicyTemplate("standard-canary", 1, BODY))),
                        new TemplateCatalog.Scope(
                                "folder 'team-a'",
                                List.of(
                                        new PolicyTemplate("standard-canary", 2, BODY),
                                        new PolicyTemplate("gpu", 1, BODY))));
    }

    @Test
    void aJobAtTheTopOrInFoldersWithoutTemplatesHasNoFolderScope() {
        AbstractFolder<?> empty = folder("team-b", jenkins, templates());

        assertThat(new FolderTemplateWalk().around(jobIn(jenkins))).isEmpty();
        assertThat(new FolderTemplateWalk().around(jobIn(empty))).isEmpty();
        assertThat(new FolderTemplateWalk().around(jobIn(folder("team-c", jenkins, null))))
                .isEmpty();
    }

    @Test
    void theFolderPropertyRefusesOneNameAndVersionTwiceAsTheGlobalConfigurationDoes() {
        FolderPolicyTemplates property = new FolderPolicyTemplates();
        property.setTemplates(null);
        assertThat(property.getTemplates()).isEmpty();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> property.setTemplates(List.of(
                        new SharedPolicyTemplate("standard-canary", 2, BODY),
                        new SharedPolicyTemplate("standard-canary", 2, BODY))))
                .hasMessage("templates: template 'standard-canary' version 2 is defined twice; a name and version must"
                        + " be unique");
    }
}

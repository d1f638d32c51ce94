package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static io.jenkins.plugins.mlrollout.TemplateStepTest.BODY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.model.Item;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.TemplateCatalog;
import io.mlrollout.core.policy.TemplateOrigin;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlCanary} with templates from the folders around its job, through the step's real setters: the nearest
 * definition of a name wins, the evidence, the log and the REST API say where it came from, and what does not resolve is
 * refused before anything moves. The folders are a plain fake of the {@link FolderTemplates} seam.
 */
class FolderTemplateStepTest {

    /** Two stages of 5% and 20% instead of 5% and 25%: tells which definition ran. */
    private static final String TWENTY = BODY.replace("{weight: 25,", "{weight: 20,");
    /** And 10% for the outer folder's. */
    private static final String TEN = BODY.replace("{weight: 25,", "{weight: 10,");

    @TempDir
    Path home;

    private StepFixture fixture;
    private final List<Item> askedAbout = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        fixture.configuration.setTemplates(List.of(
                new SharedPolicyTemplate("standard-canary", 3, BODY), new SharedPolicyTemplate("gpu-canary", 1, BODY)));
        fixture.folderTemplates.add(item -> {
            askedAbout.add(item);
            return List.of(
                    new TemplateCatalog.Scope(
                            "folder 'team-a/risk'", List.of(new PolicyTemplate("standard-canary", 1, TWENTY))),
                    new TemplateCatalog.Scope(
                            "folder 'team-a'",
                            List.of(
                                    new PolicyTemplate("standard-canary", 2, TEN),
                                    new PolicyTemplate("team-canary", 1, TEN))));
        });
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static MlCanaryStep step(String template) {
        MlCanaryStep step = new MlCanaryStep(null, "v2");
        step.setTemplate(template);
        return step;
    }

    private RolloutEvent.Started run(MlCanaryStep step) throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        started((MlCanaryStep.Execution) step.start(context));
        fixture.runUntilEnded(context);
        assertThat(context.failure()).isEmpty();
        assertThat(askedAbout).containsExactly(build.job);
        return (RolloutEvent.Started) EvidenceLog.readEvents(
                        build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve("evidence.jsonl"))
                .get(0);
    }

    @Test
    void theNearestFolderThatDefinesTheNameWinsAndTheEvidenceSaysWhichFolder() throws Exception {
        RolloutEvent.Started first = run(step("standard-canary"));

        assertThat(fixture.serving.shifts).asList().containsExactly(5, 20);
        assertThat(first.template())
                .isEqualTo(new TemplateOrigin(
                        "standard-canary",
                        1,
                        new PolicyTemplate("standard-canary", 1, TWENTY).digest(),
                        "folder 'team-a/risk'"));
    }

    @Test
    void aNameOnlyAnOuterFolderDefinesComesFromThatFolder() throws Exception {
        assertThat(run(step("team-canary")).template().definedIn()).isEqualTo("folder 'team-a'");
        assertThat(fixture.serving.shifts).asList().containsExactly(5, 10);
    }

    @Test
    void aNameNoFolderDefinesComesFromTheGlobalConfiguration() throws Exception {
        assertThat(run(step("gpu-canary")).template().definedIn()).isEqualTo("the global configuration");
    }

    @Test
    void theRolloutPageAndApiShowTheTemplateAndWhereItCameFrom() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        started((MlCanaryStep.Execution) step("standard-canary").start(context));
        fixture.runUntilEnded(context);
        String digest = new PolicyTemplate("standard-canary", 1, TWENTY).digest();

        RolloutAction action = Restart.reloaded(build.action(ENDPOINT));

        RolloutApi.Template template = action.getTemplate();
        assertThat(template).isNotNull();
        assertThat(template.getName()).isEqualTo("standard-canary");
        assertThat(template.getVersion()).isEqualTo(1);
        assertThat(template.getDigest()).isEqualTo(digest);
        assertThat(template.getDefinedIn()).isEqualTo("folder 'team-a/risk'");
        assertThat(action.getTemplateSummary())
                .isEqualTo("standard-canary v1 (" + digest + ") from folder 'team-a/risk'");
        assertThat(build.log())
                .contains("policy from template standard-canary v1 (" + digest + ") from folder" + " 'team-a/risk'");
    }

    @Test
    void aVersionTheNearestDefinitionLacksIsRefusedEvenIfTheGlobalOneHasIt() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep pinned = step("standard-canary");
        pinned.setTemplateVersion(3);

        assertThatThrownBy(() -> pinned.start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("templateVersion: template 'standard-canary' in folder 'team-a/risk' has no"
                        + " version 3 (versions: 1)");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(build.actions).isEmpty();
    }

    @Test
    void anUnknownNameIsRefusedListingTheNamesOfEveryScope() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");

        assertThatThrownBy(() -> step("team-canery").start(build.newContext()).start())
                .hasMessageContaining("template: no template named 'team-canery' is defined (defined: standard-canary,"
                        + " team-canary, gpu-canary); did you mean team-canary?");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void aParameterRefusalNamesTheTemplateAndItsFolder() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep step = step("standard-canary");
        step.setTemplateParams(Map.of("errorBudget", 20));

        assertThatThrownBy(() -> step.start(build.newContext()).start())
                .hasMessageStartingWith("template 'standard-canary' version 1 in folder 'team-a/risk' was refused,"
                        + " nothing was moved:")
                .hasMessageContaining("template.params.errorBudget:");
    }
}

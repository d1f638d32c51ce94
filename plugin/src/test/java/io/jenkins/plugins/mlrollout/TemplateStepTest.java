package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlCanary} with a shared policy template from the global configuration, through the step's real setters. */
class TemplateStepTest {

    static final String BODY = """
            parameters:
              errorBudget: {type: percent, default: 10%}
              bake: {type: duration, default: 10m}
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: '${bake}'}
              - {weight: 25, bake: '${bake}'}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: '${errorBudget}', critical: true}
            promote: {bake: 10m}
            """;

    @TempDir
    Path home;

    private StepFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        fixture.configuration.setTemplates(List.of(
                new SharedPolicyTemplate("standard-canary", 1, BODY.replace("{weight: 25,", "{weight: 20,")),
                new SharedPolicyTemplate("standard-canary", 3, BODY)));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static MlCanaryStep step(Map<String, Object> params) {
        MlCanaryStep step = new MlCanaryStep(null, "v2");
        step.setTemplate("standard-canary");
        step.setTemplateParams(params);
        return step;
    }

    @Test
    void aTemplatesPolicyRunsAndTheEvidenceRecordsItsNameVersionAndDigest() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();

        started((MlCanaryStep.Execution)
                step(Map.of("errorBudget", "20%", "bake", "5m")).start(context));
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isEmpty();
        assertThat(fixture.serving.shifts).asList().containsExactly(5, 25);
        String digest = new PolicyTemplate("standard-canary", 3, BODY).digest();
        RolloutEvent.Started first = (RolloutEvent.Started) EvidenceLog.readEvents(
                        build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve("evidence.jsonl"))
                .get(0);
        assertThat(first.template().name()).isEqualTo("standard-canary");
        assertThat(first.template().version()).isEqualTo(3);
        assertThat(first.template().digest()).isEqualTo(digest);
        assertThat(build.log()).contains("policy from template standard-canary v3 (" + digest + ")");
        RolloutAction action = RolloutAction.find(build.run, ENDPOINT).orElseThrow();
        assertThat(action.live().plan().policy().stage(0).bake()).hasMinutes(5);
    }

    @Test
    void aPinnedVersionIsTheOneUsed() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        MlCanaryStep step = step(null);
        step.setTemplateVersion(1);

        started((MlCanaryStep.Execution) step.start(context));
        fixture.runUntilEnded(context);

        assertThat(fixture.serving.shifts).asList().containsExactly(5, 20);
    }

    @Test
    void anIllTypedParameterIsRefusedWithItsPathBeforeAnythingMoves() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");

        assertThatThrownBy(() -> step(Map.of("errorBudget", 20))
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("template 'standard-canary' version 3 in the global configuration was refused,"
                        + " nothing was moved:")
                .hasMessageContaining("template.params.errorBudget: a percentage is written with %");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(build.actions).isEmpty();
    }

    @Test
    void aPolicyTheParametersMakeInvalidIsRefusedNamingTheParameterAndTheField() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");

        assertThatThrownBy(() ->
                        step(Map.of("bake", "30s")).start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("template.params.bake: at stages[0].bake: 30s is shorter than analysis.interval");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void anUnknownTemplateOrVersionIsRefusedByField() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep unknown = step(null);
        unknown.setTemplate("standard-canery");
        MlCanaryStep version = step(null);
        version.setTemplateVersion(2);

        assertThatThrownBy(() -> unknown.start(build.newContext()).start())
                .hasMessageContaining("template: no template named 'standard-canery' is defined (defined:"
                        + " standard-canary); did you mean standard-canary?");
        assertThatThrownBy(() -> version.start(build.newContext()).start())
                .hasMessageContaining("templateVersion: template 'standard-canary' in the global configuration has no"
                        + " version 2 (versions: 1, 3)");
    }

    @Test
    void aPolicyAndATemplateTogetherOrTemplateSettingsAloneAreRefused() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep both = new MlCanaryStep(StepFixture.THREE_STAGES, "v2");
        both.setTemplate("standard-canary");
        MlCanaryStep paramsOnly = new MlCanaryStep(StepFixture.THREE_STAGES, "v2");
        paramsOnly.setTemplateParams(Map.of("bake", "5m"));
        MlCanaryStep neither = new MlCanaryStep(null, "v2");

        assertThatThrownBy(() -> both.start(build.newContext()).start())
                .hasMessageStartingWith("policy, template: give a policy or a template, not both");
        assertThatThrownBy(() -> paramsOnly.start(build.newContext()).start())
                .hasMessageStartingWith("template: templateVersion and templateParams need a template");
        assertThatThrownBy(() -> neither.start(build.newContext()).start())
                .hasMessageStartingWith("policy: is required, or name a shared template");
    }

    @Test
    void theConfigurationRefusesOneNameAndVersionTwiceAndKeepsThePreviousTemplates() {
        List<SharedPolicyTemplate> twice = List.of(
                new SharedPolicyTemplate("standard-canary", 2, BODY),
                new SharedPolicyTemplate("standard-canary", 2, BODY));

        assertThatThrownBy(() -> fixture.configuration.setTemplates(twice))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("templates: template 'standard-canary' version 2 is defined twice; a name and version must"
                        + " be unique");
        assertThat(fixture.configuration.getTemplates())
                .extracting(SharedPolicyTemplate::getVersion)
                .containsExactly(1, 3);
    }

    @Test
    void aTemplateIsBoundWithItsNameCheckedAsConfigurationAsCodeBindsIt() {
        SharedPolicyTemplate template = new SharedPolicyTemplate("standard-canary", 3, BODY.replace("\n", "\r\n"));
        template.setDescription("  the team's canary  ");

        assertThat(template.getDescription()).isEqualTo("the team's canary");
        assertThat(template.template().digest())
                .as("a form's CR LF gives the digest of the same text kept in a file")
                .isEqualTo(new PolicyTemplate("standard-canary", 3, BODY).digest());
        assertThatThrownBy(() -> new SharedPolicyTemplate("Standard Canary", 1, BODY))
                .hasMessageStartingWith("name: 'Standard Canary' is not a template name");
        assertThatThrownBy(() -> new SharedPolicyTemplate("standard-canary", 0, BODY))
                .hasMessage("version: must be 1 or more, not 0");
        assertThatThrownBy(() -> new SharedPolicyTemplate("standard-canary", 1, " "))
                .hasMessage("body: is required");
    }
}

package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlrollout canary --template FILE --param k=v} against the simulator, and its refusals before traffic moves. */
class TemplateCommandTest {

    static final String BODY = """
            parameters:
              errorBudget: {type: percent, default: 20%}
              bake: {type: duration}
            stages:
              - {weight: 10, bake: '${bake}'}
              - {weight: 50, bake: '${bake}'}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: '${errorBudget}', critical: true}
            promote: {bake: 2m}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;
    private Path template;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", "");
        state = dir.resolve("rollout").resolve("state.json");
        template = dir.resolve("standard-canary.yaml");
        Files.writeString(template, "name: standard-canary\nversion: 3\nbody: |\n" + BODY.indent(2));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private Cli.Result canary(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "canary",
                "--template",
                template.toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpointFile.toString(),
                "--candidate",
                "v2"));
        args.addAll(List.of(extra));
        return Cli.run(endpoint.environment(), args.toArray(String[]::new));
    }

    @Test
    void aTemplatesPolicyRunsIsKeptForTheNextCommandsAndItsDigestIsInTheEvidence() throws Exception {
        Cli.Result canary = canary("--param", "bake=3m", "--param", "errorBudget=25%");

        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        Path kept = state.resolveSibling("state.policy.json");
        String digest = new PolicyTemplate("standard-canary", 3, BODY).digest();
        assertThat(canary.out())
                .contains("the policy from template standard-canary v3 (" + digest + ") is kept in " + kept)
                .contains("CANARY PASSED at 50%")
                .contains("mlrollout promote --policy " + kept);
        RolloutEvent.Started started =
                (RolloutEvent.Started) EvidenceLog.readEvents(state.resolveSibling("state.evidence.jsonl"))
                        .get(0);
        assertThat(started.template().digest()).isEqualTo(digest);

        Cli.Result promote = Cli.run(
                endpoint.environment(),
                "promote",
                "--policy",
                kept.toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpointFile.toString());
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(100);
    }

    @Test
    void aRolloutUnderWayKeepsItsPolicyWhenTheEditedTemplateIsGivenAgain() throws Exception {
        String gated = BODY.replace("- {weight: 10, bake: '${bake}'}", "- {weight: 10, bake: '${bake}', signOff: true}")
                + "signOff: {approvers: [alice]}\n";
        Files.writeString(template, "name: standard-canary\nversion: 3\nbody: |\n" + gated.indent(2));
        Cli.Result started = canary("--param", "bake=3m");
        assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        Path kept = state.resolveSibling("state.policy.json");
        String keptPolicy = Files.readString(kept);

        // edited in place, without raising the version: the rollout under way must keep the 20% it started with
        String widened = gated.replace("default: 20%", "default: 90%");
        Files.writeString(template, "name: standard-canary\nversion: 3\nbody: |\n" + widened.indent(2));
        Cli.Result goingOn = canary("--param", "bake=3m");

        assertThat(goingOn.exitCode()).as(goingOn.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(goingOn.err()).contains("go on with --policy " + kept);
        assertThat(Files.readString(kept)).isEqualTo(keptPolicy);
        Files.writeString(template, "name: standard-canary\nversion: 3\nbody: |\n" + gated.indent(2));
        Cli.Result sameAgain = canary("--param", "bake=3m");
        assertThat(sameAgain.exitCode()).as("the same policy goes on").isEqualTo(ExitCodes.AWAITING_SIGNOFF);
    }

    @Test
    void aMissingOrIllTypedParameterIsRefusedWithItsPathBeforeAnythingMoves() {
        Cli.Result missing = canary();
        Cli.Result illTyped = canary("--param", "bake=3m", "--param", "errorBudget=25");

        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("template.params.bake: is required (duration)");
        assertThat(illTyped.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(illTyped.err())
                .contains("mlrollout canary: bad input, nothing was changed:\n  " + template
                        + " (template standard-canary v3): template.params.errorBudget: '25' is not a percentage;"
                        + " write a number followed by %, e.g. 10% or 0.5% (the parameter is percent)");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aParameterGivenTwiceIsRefusedRatherThanTheLastOneTaken() {
        Cli.Result twice = canary("--param", "bake=3m", "--param", "errorBudget=25%", "--param", "bake=30m");

        assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(twice.err()).contains("--param: bake is given twice (3m, 30m); give each parameter once");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aPolicyAndATemplateTogetherAreRefused() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "stages: []\n");

        Cli.Result both = canary("--policy", policy.toString());

        assertThat(both.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(both.err()).contains("--template").contains("give --policy or --template, not both");
    }

    @Test
    void aTemplateFileWithoutAVersionIsRefusedByField() throws Exception {
        Files.writeString(template, "name: standard-canary\nbody: |\n" + BODY.indent(2));

        Cli.Result refused = canary("--param", "bake=3m");

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("version: is required");
    }
}

package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.METRICS;
import static io.mlrollout.core.policy.Policies.STAGES;
import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.errorsOf;
import static io.mlrollout.core.policy.Policies.with;
import static io.mlrollout.core.policy.Policies.withMetrics;
import static io.mlrollout.core.policy.Policies.withStages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Refusals about the document as a whole, its keys and the types of its values. */
class DocumentValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "# only a comment\n", "~\n", "null"})
    void anEmptyDocumentIsRefused(String text) {
        assertRefused(text, "", "the policy is empty; it needs at least stages and metrics");
    }

    @Test
    void aDocumentThatIsNotAMappingIsRefused() {
        assertRefused(
                "- weight: 5\n",
                "",
                "the policy must be a mapping of keys (endpoint, stages, analysis, metrics, signOff, promote,"
                        + " rollback, dryRun, schedule, notifications, evidence, facts, tiers), got a list");
        assertRefused(
                "just some words",
                "",
                "the policy must be a mapping of keys (endpoint, stages, analysis, metrics, signOff, promote,"
                        + " rollback, dryRun, schedule, notifications, evidence, facts, tiers), got the text 'just some words'");
    }

    @Test
    void brokenYamlIsRefusedWithLineAndColumn() {
        assertThat(errorsOf(STAGES + "metrics: [{name: e\nkind: ratio\n"))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.path()).isEmpty();
                    assertThat(error.message()).startsWith("not valid YAML at line 5, column ");
                });
    }

    @Test
    void brokenJsonIsRefusedWithLineAndColumn() {
        // A missing comma: broken for YAML's flow style too, so the JSON reader's error is reported.
        assertThat(errorsOf("{\n  \"stages\": [\n    {\"weight\": 5 \"bake\": \"10m\"}\n  ]\n}"))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.path()).isEmpty();
                    assertThat(error.message()).startsWith("not valid JSON at line 3, column 18: ");
                });
    }

    @Test
    void jsonWithATrailingCommaIsRefusedNamingTheFieldBeforeIt() {
        assertThat(errorsOf("{\n  \"stages\": [\n    {\"weight\": 5, \"bake\": \"10m\",}\n  ]\n}"))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.path()).isEqualTo("stages[0].bake");
                    assertThat(error.message())
                            .isEqualTo("is followed by a trailing comma at line 3, column 33; JSON allows none:"
                                    + " remove the comma");
                });
        assertThat(errorsOf("{\"stages\": [{\"weight\": 5, \"bake\": \"10m\"},]}"))
                .singleElement()
                .satisfies(error -> assertThat(error.path()).isEqualTo("stages[0]"));
    }

    @Test
    void aSecondYamlDocumentIsRefused() {
        assertRefused(
                with("---\nstages: []\n"), "", "the text holds more than one document; write one policy per file");
    }

    @Test
    void anUnknownKeyNamesTheClosestKnownKey() {
        assertRefused(with("dryrun: true\n"), "dryrun", "unknown key; did you mean dryRun?");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, maxIncrese: 10%}"),
                "metrics[0].maxIncrese",
                "unknown key; did you mean maxIncrease?");
    }

    @Test
    void anUnknownKeyUnlikeAnyKnownKeyListsTheKnownKeys() {
        assertRefused(
                withStages("{weight: 5, bake: 10m, colour: blue}"),
                "stages[0].colour",
                "unknown key; known keys here: weight, bake, maxBake, signOff, shadow");
    }

    @Test
    void aDuplicateKeyIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 10m, weight: 6}"),
                "stages[0].weight",
                "duplicate key; each key may appear once");
        assertRefused(with("dryRun: true\ndryRun: false\n"), "dryRun", "duplicate key; each key may appear once");
    }

    @Test
    void aWholeNumberGivenAsTextIsRefused() {
        assertRefused(
                withStages("{weight: '5', bake: 10m}"),
                "stages[0].weight",
                "expected a whole number, got the text '5'");
    }

    @Test
    void aFractionWhereAWholeNumberIsExpectedIsRefused() {
        assertRefused(withStages("{weight: 5.5, bake: 10m}"), "stages[0].weight", "expected a whole number, got 5.5");
        assertRefused(
                withStages("{weight: 10.0, bake: 10m}"),
                "stages[0].weight",
                "expected a whole number, got 10.0; write it without the fraction, e.g. 10");
    }

    @Test
    void aPercentWhereAWholeNumberOfPercentIsExpectedSaysHowToWriteIt() {
        assertRefused(
                withStages("{weight: 25%, bake: 10m}"),
                "stages[0].weight",
                "expected a whole number, got the text '25%'; write it without %, e.g. 25");
    }

    @Test
    void aDurationWithoutUnitIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 10}"),
                "stages[0].bake",
                "a duration needs a unit (ms, s, m, h or d), e.g. 10m; got the number 10");
    }

    @Test
    void yamlElevenBooleanSpellingsAreRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 10m, signOff: yes}"),
                "stages[0].signOff",
                "expected true or false, got the text 'yes'");
        assertRefused(with("dryRun: True\n"), "dryRun", "expected true or false, got the text 'True'");
    }

    @Test
    void yamlElevenNumberSpellingsAreRefused() {
        // YAML 1.1 reads 010 as octal 8 and 0x10 as 16; a weight must mean what it looks like.
        assertRefused(
                withStages("{weight: 010, bake: 10m}"),
                "stages[0].weight",
                "expected a whole number, got the text '010'");
        assertRefused(
                withStages("{weight: 0x10, bake: 10m}"),
                "stages[0].weight",
                "expected a whole number, got the text '0x10'");
    }

    @Test
    void yamlAliasesAreRefusedRatherThanReadAsTheirName() {
        assertThat(errorsOf("stages: &ramp [{weight: 5, bake: 10m}]\nmetrics: *ramp\n"))
                .containsExactly(new PolicyError(
                        "",
                        "not valid YAML at line 2, column 15: YAML aliases (*ramp) are not supported in a policy;"
                                + " write the value out"));
    }

    @Test
    void binaryValuesAreRefused() {
        assertThat(errorsOf(with("endpoint: !!binary aGVsbG8=\n")))
                .singleElement()
                .satisfies(error -> assertThat(error.message())
                        .endsWith("binary or embedded values are not supported in a policy; write text, numbers or"
                                + " lists"));
    }

    @Test
    void aMappingWhereAListIsExpectedIsRefused() {
        assertRefused("stages: {weight: 5, bake: 10m}\n" + METRICS, "stages", "expected a list, got a mapping");
    }

    @Test
    void aTextWhereAMappingIsExpectedIsRefused() {
        assertRefused(
                with("analysis: fast\n"),
                "analysis",
                "expected a mapping of interval, falseRollbackRate, maxAutocorrelation, maxDispersion, ruleOut,"
                        + " missedRegressionRate, minRequests, onInconclusive,"
                        + " limits, score, plan, got the text 'fast'");
    }

    @Test
    void aKeyWithoutValueIsRefusedRatherThanDefaulted() {
        assertRefused(
                withStages("{weight: 5, bake: }"), "stages[0].bake", "has no value; expected a duration such as 10m");
        assertRefused(
                with("analysis:\n"),
                "analysis",
                "has no value; expected a mapping of interval, falseRollbackRate, maxAutocorrelation, maxDispersion, ruleOut,"
                        + " missedRegressionRate, minRequests,"
                        + " onInconclusive, limits, score, plan");
    }

    @Test
    void anEndpointNameOutsideItsPatternIsRefused() {
        assertRefused(
                with("endpoint: Fraud_Scorer\n"),
                "endpoint",
                "'Fraud_Scorer' is not an endpoint name: use lower-case letters, digits and -, not starting with -");
    }

    @Test
    void aWordOutsideAChoiceIsRefusedWithTheClosestWord() {
        assertRefused(
                with("analysis: {onInconclusive: sign-off}\n"),
                "analysis.onInconclusive",
                "'sign-off' is not one of signOff, rollback, extend; did you mean signOff?");
        assertRefused(with("rollback: {onAbort: pause}\n"), "rollback.onAbort", "'pause' is not one of rollback, hold");
    }

    @Test
    void missingRequiredSectionsAreRefused() {
        assertRefused(METRICS, "stages", "is required: a list of 1 to 20 stages such as {weight: 5, bake: 10m}");
        assertRefused(
                STAGES,
                "metrics",
                "is required: a list of 1 to 20 metrics such as {name: error-rate, kind: ratio, preset: istio-errors,"
                        + " maxIncrease: 10%}");
    }

    @Test
    void everyErrorOfADocumentIsReportedTogether() {
        String text = """
                endpoint: fraud-scorer
                stages:
                  - {weight: 5, bake: 10m}
                  - {weight: 120, bake: 0m}
                analysis: {falseRollbackRate: 25%}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrese: 10%}
                signOff: {approvers: [alice, bob], quorum: 0}
                """;

        PolicyException refused = catchThrowableOfType(PolicyException.class, () -> PolicyParser.parse(text));

        assertThat(refused.errors())
                .containsExactlyInAnyOrder(
                        new PolicyError("stages[1].weight", "120 is over 100"),
                        new PolicyError("stages[1].bake", "0m is zero; a duration must be longer than zero"),
                        new PolicyError("analysis.falseRollbackRate", "25% is over 20%"),
                        new PolicyError("metrics[0].maxIncrese", "unknown key; did you mean maxIncrease?"),
                        new PolicyError("metrics[0]", "has no bound: a ratio metric needs maxIncrease or max"),
                        new PolicyError("signOff.quorum", "must be at least 1, got 0"));
        assertThat(refused.getMessage().lines())
                .hasSize(6)
                .contains("stages[1].weight: 120 is over 100", "signOff.quorum: must be at least 1, got 0");
    }
}

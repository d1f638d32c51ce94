package io.mlrollout.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A shared template: its parameters, their types and defaults, the digest, and refusals with field paths. */
class PolicyTemplateTest {

    static final String BODY = """
            parameters:
              errorBudget: {type: percent, default: 20%}
              bake: {type: duration, description: how long each stage bakes}
              stages: {type: integer, default: 2}
              holdSelf: {type: boolean, default: false}
            stages:
              - {weight: 5, bake: '${bake}'}
              - {weight: 50, bake: '${bake}'}
            metrics:
              - name: errors
                kind: ratio
                bad: 'sum(rate(errors{version="${version}", team="${team}"}[1m]))'
                total: 'sum(rate(requests{version="${version}"}[1m]))'
                maxIncrease: ${errorBudget}
            analysis: {ruleOut: 50%}
            signOff: {allowSelfApproval: '${holdSelf}'}
            """;

    private static PolicyTemplate template(String body) {
        return new PolicyTemplate("standard-canary", 3, body);
    }

    private static List<PolicyError> refusals(String body, Map<String, ?> params) {
        PolicyException refused =
                catchThrowableOfType(PolicyException.class, () -> template(body).resolve(params));
        assertThat(refused).as("the template should be refused").isNotNull();
        return refused.errors();
    }

    private static final String TEAM = BODY.replace("team=\"${team}\"", "team=\"fraud\"");

    @Test
    void givenAndDefaultParametersFillThePolicyWithTheirTypes() throws PolicyException {
        PolicyTemplate.ResolvedTemplate resolved = template(TEAM).resolve(Map.of("bake", "15m", "errorBudget", "30%"));

        Policy policy = resolved.policy();
        assertThat(policy.stages()).extracting(Stage::bake).containsOnly(Duration.ofMinutes(15));
        assertThat(policy.metrics().get(0).maxIncrease()).hasValue(0.30);
        assertThat(policy.metrics().get(0).queries().bad().orElseThrow()).contains("version=\"${version}\"");
        assertThat(policy.template()).contains(template(TEAM).origin());
        assertThat(PolicyParser.parse(resolved.policyText()).stages()).isEqualTo(policy.stages());
    }

    @Test
    void aDefaultIsUsedWhenTheParameterIsLeftOut() throws PolicyException {
        Policy policy = template(TEAM).resolve(Map.of("bake", "10m")).policy();

        assertThat(policy.metrics().get(0).maxIncrease()).hasValue(0.20);
    }

    @Test
    void aParameterInsideALongerTextIsWrittenIntoIt() throws PolicyException {
        Policy policy = template(
                        BODY.replace("${team}", "${team}").replace("  holdSelf:", "  team: {type: text}\n  holdSelf:"))
                .resolve(Map.of("bake", "10m", "team", "fraud"))
                .policy();

        assertThat(policy.metrics().get(0).queries().bad().orElseThrow())
                .contains("team=\"fraud\"")
                .contains("${version}");
    }

    @Test
    void pipelineValuesMayBeNumbersAndBooleansOrTheirText() throws PolicyException {
        String body = TEAM.replace("{weight: 50,", "{weight: '${second}',")
                .replace("  holdSelf:", "  second: {type: integer}\n  holdSelf:");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("bake", "10m");
        params.put("second", 40);
        params.put("holdSelf", "true");
        Policy policy = template(body).resolve(params).policy();

        assertThat(policy.stages()).extracting(Stage::weight).containsExactly(5, 40);
        assertThat(policy.signOff().orElseThrow().allowSelfApproval()).isTrue();
        params.put("second", "40");
        assertThat(template(body).resolve(params).policy().stages())
                .extracting(Stage::weight)
                .containsExactly(5, 40);
    }

    @Test
    void aListOrAMappingIsNotTextOrAnyOtherValue() {
        // A Jenkinsfile may pass [team: ['a', 'b']]; its toString "[a, b]" is not a value the pipeline meant.
        assertThat(refusals(TEAM_PARAM, Map.of("bake", "10m", "team", List.of("fraud", "risk"))))
                .containsExactly(
                        new PolicyError("template.params.team", "expected text, got a list (the parameter is text)"));
        assertThat(refusals(TEAM_PARAM, Map.of("bake", "10m", "team", "fraud", "errorBudget", Map.of("max", "20%"))))
                .containsExactly(new PolicyError(
                        "template.params.errorBudget",
                        "expected a percentage such as 10%, got a mapping (the parameter is percent)"));
    }

    @Test
    void aMissingRequiredParameterIsRefusedAtItsPath() {
        assertThat(refusals(TEAM, Map.of()))
                .containsExactly(new PolicyError(
                        "template.params.bake", "is required (duration); the template gives no default"));
    }

    @Test
    void anIllTypedParameterIsRefusedAtItsPath() {
        assertThat(refusals(TEAM, Map.of("bake", "10m", "errorBudget", "20")))
                .containsExactly(new PolicyError(
                        "template.params.errorBudget",
                        "'20' is not a percentage; write a number followed by %, e.g. 10% or 0.5% (the parameter is"
                                + " percent)"));
        assertThat(refusals(TEAM, Map.of("bake", "ten minutes")))
                .extracting(PolicyError::path)
                .containsExactly("template.params.bake");
    }

    @Test
    void aPercentageTooLargeForANumberIsRefusedAtItsPath() {
        String huge = "9".repeat(400) + "%";

        assertThat(refusals(TEAM, Map.of("bake", "10m", "errorBudget", huge)))
                .containsExactly(new PolicyError(
                        "template.params.errorBudget", "is too large for a percentage (the parameter is percent)"));
        assertThatThrownBy(() -> PolicyParser.parse(TEAM.substring(TEAM.indexOf("stages:"))
                        .replace("${bake}", "10m")
                        .replace("${errorBudget}", huge)
                        .replace("'${holdSelf}'", "false")))
                .isInstanceOf(PolicyException.class);
    }

    @Test
    void anUnknownParameterIsRefusedWithAHint() {
        assertThat(refusals(TEAM, Map.of("bake", "10m", "errorBudgte", "20%")))
                .containsExactly(new PolicyError(
                        "template.params.errorBudgte",
                        "is not a parameter of this template (parameters: errorBudget, bake, stages, holdSelf); did"
                                + " you mean errorBudget?"));
    }

    @Test
    void aValueThePolicyRefusesIsBlamedOnTheParameterThatGaveIt() {
        assertThat(refusals(TEAM, Map.of("bake", "10s")))
                .containsExactly(
                        new PolicyError(
                                "template.params.bake",
                                "at stages[0].bake: 10s is shorter than analysis.interval (1m)"),
                        new PolicyError(
                                "template.params.bake",
                                "at stages[1].bake: 10s is shorter than analysis.interval (1m)"));
    }

    @Test
    void anErrorElsewhereThatNamesAFilledFieldIsBlamedOnItsParameter() {
        // analysis.ruleOut is the template's own, but the pipeline's errorBudget is what it cannot be above
        assertThat(refusals(TEAM, Map.of("bake", "10m", "errorBudget", "60%")))
                .containsExactly(new PolicyError(
                        "template.params.errorBudget",
                        "at analysis.ruleOut: 50% is not above metrics[0].maxIncrease (60%); a passing stage must rule"
                                + " out more than the metric allows"));
    }

    @Test
    void anErrorOfTheTemplatesOwnTextKeepsItsPolicyPath() {
        assertThat(refusals(TEAM.replace("{weight: 50,", "{weight: 120,"), Map.of("bake", "10m")))
                .containsExactly(new PolicyError("stages[1].weight", "120 is over 100"));
    }

    @Test
    void aMisspeltKeyWhoseValueIsAPlaceholderIsTheTemplatesMistake() {
        String misspelt = TEAM.replace("allowSelfApproval: '${holdSelf}'", "allowSelfAproval: '${holdSelf}'");
        PolicyError ownText =
                new PolicyError("signOff.allowSelfAproval", "unknown key; did you mean allowSelfApproval?");

        assertThat(refusals(misspelt, Map.of("bake", "10m", "holdSelf", true))).containsExactly(ownText);
        assertThat(template(misspelt.replace("bake: {type: duration,", "bake: {type: duration, default: 10m,"))
                        .problems())
                .containsExactly(ownText);
    }

    @Test
    void anUndeclaredPlaceholderIsRefusedWhereItStands() {
        assertThat(refusals(BODY, Map.of("bake", "10m")))
                .containsExactly(new PolicyError(
                        "metrics[0].bad",
                        "${team} is not a parameter of this template (parameters: errorBudget, bake, stages,"
                                + " holdSelf)"));
    }

    @Test
    void aValueCannotAddKeysToThePolicy() {
        Map<String, String> params = Map.of("bake", "10m\nrollback: {automatic: false}");

        assertThat(refusals(TEAM, params)).extracting(PolicyError::path).containsExactly("template.params.bake");
    }

    /** BODY with {@code ${team}} declared as a text parameter, written inside the errors query. */
    private static final String TEAM_PARAM = BODY.replace("  holdSelf:", "  team: {type: text}\n  holdSelf:");

    @Test
    void aValueWrittenIntoAQueryCannotEndItsStringOrBeFilledAgain() {
        // Each would change the query beyond the label value: a quote ends the PromQL string, ${version} would be
        // filled by the metrics connector, ${errorBudget} is another parameter's placeholder.
        for (String value :
                List.of("fraud\"} or vector(1) or errors{team=\"x", "a\\b", "${version}", "${errorBudget}")) {
            assertThat(refusals(TEAM_PARAM, Map.of("bake", "10m", "team", value)))
                    .as(value)
                    .containsExactly(new PolicyError(
                            "template.params.team",
                            "at metrics[0].bad: must not contain quotes, backslashes, backticks, line breaks, other"
                                    + " control characters or ${: it is written into the text there"));
        }
        String byDefault = TEAM_PARAM.replace("team: {type: text}", "team: {type: text, default: '${holdSelf}'}");
        assertThat(refusals(byDefault, Map.of("bake", "10m")))
                .extracting(PolicyError::path)
                .containsExactly("parameters.team.default");
    }

    @Test
    void aTextParameterTakesOneLineWhateverTheLineBreak() throws PolicyException {
        String body = TEAM.replace("  holdSelf:", "  approver: {type: text}\n  holdSelf:")
                .replace("signOff: {allowSelfApproval: '${holdSelf}'}", "signOff: {approvers: ['${approver}']}");
        assertThat(template(body)
                        .resolve(Map.of("bake", "10m", "approver", "carol"))
                        .policy()
                        .signOff()
                        .orElseThrow()
                        .approvers())
                .containsExactly("carol");

        for (String lineBreak : List.of("\r", "\u000B", "\f", "\u0085", "\u2028", "\u2029")) {
            assertThat(refusals(body, Map.of("bake", "10m", "approver", "carol" + lineBreak + "mallory")))
                    .as("U+%04X", (int) lineBreak.charAt(0))
                    .containsExactly(new PolicyError(
                            "template.params.approver",
                            "is more than one line; a text parameter takes one line (the parameter is text)"));
        }
    }

    @Test
    void aParameterCannotTakeTheNameOfAQueryPlaceholder() {
        // A parameter `version` would fill ${version} once for both versions: the canary would compare one with itself.
        String body = TEAM.replace("  holdSelf:", "  version: {type: text, default: v1}\n  holdSelf:");

        assertThat(refusals(body, Map.of("bake", "10m")))
                .containsExactly(new PolicyError(
                        "parameters.version",
                        "'version' is a query placeholder, which the metrics connector fills for each read; give the"
                                + " parameter another name"));
        assertThat(template(body.replace("  version:", "  interval:")).problems())
                .extracting(PolicyError::path)
                .containsExactly("parameters.interval");
    }

    @Test
    void aBadDeclarationIsRefusedAtItsPath() {
        String body = TEAM.replace("{type: percent, default: 20%}", "{type: percentage, default: 20%}");

        assertThat(refusals(body, Map.of("bake", "10m")))
                .extracting(PolicyError::path)
                .containsExactly("parameters.errorBudget.type");
        assertThat(refusals(TEAM.replace("default: 20%", "default: 20"), Map.of("bake", "10m")))
                .extracting(PolicyError::path)
                .containsExactly("parameters.errorBudget.default");
    }

    @Test
    void aTemplateIsCheckedOnItsOwnWithoutAPipelinesValues() {
        assertThat(template(TEAM).problems()).isEmpty();
        assertThat(template(BODY).problems()).extracting(PolicyError::path).containsExactly("metrics[0].bad");
        String allDefaults = TEAM.replace("bake: {type: duration,", "bake: {type: duration, default: 10m,");
        assertThat(template(allDefaults.replace("{weight: 50,", "{weight: 120,"))
                        .problems())
                .containsExactly(new PolicyError("stages[1].weight", "120 is over 100"));
    }

    @Test
    void theDigestCoversTheBodyAndTheVersion() {
        PolicyTemplate v3 = template(TEAM);

        assertThat(v3.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(new PolicyTemplate("other-name", 3, TEAM).digest()).isEqualTo(v3.digest());
        assertThat(new PolicyTemplate("standard-canary", 4, TEAM).digest()).isNotEqualTo(v3.digest());
        assertThat(template(TEAM + "\n").digest()).isNotEqualTo(v3.digest());
    }

    @Test
    void theDigestReadsEveryLineEndAsALineFeed() {
        // a file saved with classic Mac line ends, pasted into the script console as the jenkins.md example does
        String withCarriageReturns = TEAM.replace("\n", "\r");

        assertThat(template(withCarriageReturns).digest())
                .isEqualTo(template(TEAM).digest());
        assertThat(template(TEAM.replace("\n", "\r\n")).digest())
                .isEqualTo(template(TEAM).digest());
    }

    @Test
    void aBadNameOrVersionIsRefused() {
        assertThatThrownBy(() -> new PolicyTemplate("Standard", 1, TEAM))
                .hasMessageStartingWith("name: 'Standard' is not a template name");
        assertThatThrownBy(() -> new PolicyTemplate("standard", 0, TEAM))
                .hasMessage("version: must be 1 or more, not 0");
    }

    @Test
    void theCatalogFindsTheHighestVersionOrThePinnedOne() throws PolicyException {
        PolicyTemplate v1 = new PolicyTemplate("standard-canary", 1, TEAM);
        PolicyTemplate v3 = template(TEAM);
        TemplateCatalog catalog =
                new TemplateCatalog(List.of(new TemplateCatalog.Scope("the global configuration", List.of(v3, v1))));

        assertThat(catalog.find("standard-canary", Optional.empty()).template()).isEqualTo(v3);
        assertThat(catalog.find("standard-canary", Optional.of(1)).template()).isEqualTo(v1);
        assertThat(catch_(() -> catalog.find("standard-canary", Optional.of(2))))
                .containsExactly(new PolicyError(
                        "templateVersion",
                        "template 'standard-canary' in the global configuration has no version 2 (versions: 1, 3)"));
        assertThat(catch_(() -> catalog.find("standard-canery", Optional.empty())))
                .containsExactly(new PolicyError(
                        "template",
                        "no template named 'standard-canery' is defined (defined: standard-canary); did you mean"
                                + " standard-canary?"));
    }

    @Test
    void aNearerScopeShadowsEveryVersionOfAFartherOne() throws PolicyException {
        PolicyTemplate team = new PolicyTemplate("standard-canary", 1, TEAM);
        TemplateCatalog catalog = new TemplateCatalog(List.of(
                new TemplateCatalog.Scope("folder 'team-a'", List.of(team)),
                new TemplateCatalog.Scope("the global configuration", List.of(template(TEAM)))));

        assertThat(catalog.find("standard-canary", Optional.empty()))
                .isEqualTo(new TemplateCatalog.Found(team, "folder 'team-a'"));
        assertThat(catch_(() -> catalog.find("standard-canary", Optional.of(3))))
                .extracting(PolicyError::message)
                .containsExactly("template 'standard-canary' in folder 'team-a' has no version 3 (versions: 1)");
    }

    private interface Lookup {
        void run() throws PolicyException;
    }

    private static List<PolicyError> catch_(Lookup lookup) {
        PolicyException refused = catchThrowableOfType(PolicyException.class, lookup::run);
        assertThat(refused).isNotNull();
        return refused.errors();
    }
}

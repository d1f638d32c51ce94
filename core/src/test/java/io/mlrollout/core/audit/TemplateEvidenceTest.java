package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.TemplateCatalog;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollout of a template's policy records the template's name, version and digest, and the report shows them. */
class TemplateEvidenceTest {

    private static final PolicyTemplate TEMPLATE = new PolicyTemplate("standard-canary", 3, """
            parameters:
              errorBudget: {type: percent, default: 10%}
            stages:
              - {weight: 5, bake: 10m}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: '${errorBudget}'}
            """);

    @Test
    void theStartedEventCarriesTheTemplateThroughTheEvidenceFileIntoTheReport(@TempDir Path dir)
            throws PolicyException, java.io.IOException {
        RolloutEngine engine = new RolloutEngine(TEMPLATE.resolve(Map.of()).policy(), Optional.empty());
        List<RolloutEvent> events = engine.start(
                        "build-1", "fraud-scorer", "v2", "carol", Instant.EPOCH, BaselineHistory.none())
                .events();
        EvidenceLog log = EvidenceLog.open(dir.resolve("evidence.jsonl"));
        for (RolloutEvent event : events) {
            log.append(event);
        }

        List<RolloutEvent> read = EvidenceLog.readEvents(dir.resolve("evidence.jsonl"));
        RolloutEvent.Started started = (RolloutEvent.Started) read.get(0);
        assertThat(started.template()).isEqualTo(TEMPLATE.origin());
        assertThat(LogLines.format(started))
                .endsWith("; policy from template standard-canary v3 (" + TEMPLATE.digest() + ")");
        Report report = ReportBuilder.of(read);
        assertThat(report.template()).isEqualTo(TEMPLATE.origin());
        assertThat(HtmlReport.render(report))
                .contains("<th>Policy template</th><td>standard-canary v3 (" + TEMPLATE.digest() + ")</td>");
        assertThat(Files.readString(dir.resolve("evidence.jsonl")))
                .as("a template from a file names no scope, and the line reads as before")
                .doesNotContain("definedIn");
    }

    @Test
    void theScopeThatDefinedTheTemplateIsRecordedAndShown(@TempDir Path dir) throws Exception {
        TemplateCatalog catalog = new TemplateCatalog(List.of(
                new TemplateCatalog.Scope("folder 'team-a/risk'", List.of(TEMPLATE)),
                new TemplateCatalog.Scope("the global configuration", List.of(TEMPLATE))));
        RolloutEngine engine = new RolloutEngine(
                catalog.find("standard-canary", Optional.empty())
                        .resolve(Map.of())
                        .policy(),
                Optional.empty());
        EvidenceLog log = EvidenceLog.open(dir.resolve("evidence.jsonl"));
        for (RolloutEvent event : engine.start(
                        "build-1", "fraud-scorer", "v2", "carol", Instant.EPOCH, BaselineHistory.none())
                .events()) {
            log.append(event);
        }

        RolloutEvent.Started started = (RolloutEvent.Started)
                EvidenceLog.readEvents(dir.resolve("evidence.jsonl")).get(0);
        assertThat(started.template()).isEqualTo(TEMPLATE.origin().definedIn("folder 'team-a/risk'"));
        assertThat(started.template().digest()).isEqualTo(TEMPLATE.digest());
        assertThat(LogLines.format(started))
                .endsWith("; policy from template standard-canary v3 (" + TEMPLATE.digest()
                        + ") from folder 'team-a/risk'");
    }

    @Test
    void aPolicyWrittenOutInFullRecordsNoTemplate() throws PolicyException {
        RolloutEngine engine = new RolloutEngine(
                io.mlrollout.core.policy.PolicyParser.parse(
                        TEMPLATE.resolve(Map.of()).policyText()),
                Optional.empty());
        RolloutEvent.Started started =
                (RolloutEvent.Started) engine.start("b", "e", "v2", null, Instant.EPOCH, BaselineHistory.none())
                        .events()
                        .get(0);

        assertThat(started.template()).isNull();
        assertThat(HtmlReport.render(ReportBuilder.of(List.of(started)))).doesNotContain("Policy template");
    }
}

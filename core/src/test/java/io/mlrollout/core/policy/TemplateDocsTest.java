package io.mlrollout.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/policy.md's template example resolves as the page says. */
class TemplateDocsTest {

    @Test
    void theTemplateExampleResolvesWithItsDefaultsAndAGivenTeam() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "policy.md"));
        int start = doc.indexOf("```yaml\nparameters:");
        String body = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));

        Policy policy = new PolicyTemplate("standard-canary", 1, body)
                .resolve(Map.of("team", "fraud"))
                .policy();

        assertThat(policy.stages()).extracting(Stage::bake).containsOnly(Duration.ofMinutes(10));
        assertThat(policy.metrics().get(0).maxIncrease()).hasValue(0.10);
        assertThat(policy.metrics().get(1).queries().bad().orElseThrow())
                .contains("team=\"fraud\"")
                .contains("${version}");
        assertThat(new PolicyTemplate("standard-canary", 1, body.replace("type: percent,", "type: percentage,"))
                        .problems())
                .extracting(PolicyError::toString)
                .containsExactly("parameters.errorBudget.type: 'percentage' is not one of text, number, integer,"
                        + " percent, duration, boolean");
    }
}

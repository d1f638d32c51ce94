package io.mlrollout.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.json.Json;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each kind of receiver is sent, with text from people and pipelines in it. */
class SinkFormatTest {

    private static final String COMMENT = "[Open the rollout](https://evil.example/approve) **now**";

    private static Notification signed(String rolloutId, String candidate, List<String> contacts) {
        return new Notification(
                NotificationType.SIGNED,
                rolloutId + "/signed/1",
                Instant.parse("2026-11-23T10:30:00Z"),
                "fraud-scorer",
                rolloutId,
                candidate,
                "approve by mallory (1 of 1): \"" + COMMENT + "\"",
                Optional.of("https://jenkins.example/job/x/7/ml-rollout/"),
                contacts);
    }

    /** Every text of the card's body that Teams renders as Markdown: a TextBlock's {@code text}. */
    private static List<String> markdownTexts(JsonNode card) {
        List<String> texts = new ArrayList<>();
        card.path("body").forEach(element -> {
            if (element.path("type").asText().equals("TextBlock")) {
                texts.add(element.path("text").asText());
            }
        });
        return texts;
    }

    /** Every text of the card's body as it is shown, Markdown or not. */
    private static String shownText(JsonNode card) {
        StringBuilder shown = new StringBuilder();
        card.path("body").forEach(element -> {
            shown.append(element.path("text").asText()).append('\n');
            element.path("inlines").forEach(run -> shown.append(run.path("text").asText()));
            shown.append('\n');
        });
        return shown.toString();
    }

    @Test
    void teamsShowsTextFromPeopleAndPipelinesAsWrittenNotAsMarkdown() throws Exception {
        Notification notification = signed("build-7", "fraud_v2*rc1*", List.of("[risk](https://evil.example/)"));

        JsonNode card = Json.mapper()
                .readTree(SinkFormat.TEAMS.body(notification))
                .path("attachments")
                .get(0)
                .path("content");

        // A TextBlock would render the comment as a link titled like the card's own button.
        assertThat(markdownTexts(card))
                .noneMatch(text -> text.contains("](") || text.contains("**") || text.contains("*rc1*"));
        assertThat(shownText(card))
                .contains(COMMENT)
                .contains("fraud_v2*rc1*")
                .contains("For: [risk](https://evil.example/)");
        assertThat(card.path("actions").get(0).path("url").asText())
                .isEqualTo("https://jenkins.example/job/x/7/ml-rollout/");
    }

    @Test
    void aCloudEventsSourceIsAUriReferenceWhateverTheJobIsCalled() throws Exception {
        // Jenkins' rollout id is the job's full name, '#' and the build number; job names may hold spaces.
        Notification notification = signed("risk team/Fraud Deploy#7", "v2", List.of());

        JsonNode event = Json.mapper().readTree(SinkFormat.WEBHOOK.body(notification));

        URI source = new URI(event.path("source").asText());
        assertThat(source.getRawFragment()).as("a fragment").isNull();
        assertThat(source.getPath()).isEqualTo("/mlrollout/endpoints/fraud-scorer/rollouts/risk team/Fraud Deploy#7");
        assertThat(event.path("data").path("rollout").asText()).isEqualTo("risk team/Fraud Deploy#7");
    }
}

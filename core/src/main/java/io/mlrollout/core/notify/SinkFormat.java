package io.mlrollout.core.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.json.Json;
import java.util.Locale;

/** How a notification is written for each kind of receiver. */
public enum SinkFormat {
    /** CloudEvents 1.0, structured content mode: the event's attributes and its data in one JSON document. */
    WEBHOOK("application/cloudevents+json; charset=utf-8") {
        @Override
        ObjectNode payload(Notification n) {
            ObjectNode event = Json.mapper().createObjectNode();
            event.put("specversion", "1.0");
            event.put("id", n.id());
            event.put("source", n.source());
            event.put("type", n.type().cloudEventType());
            event.put("time", n.time().toString());
            event.put("datacontenttype", "application/json");
            ObjectNode data = event.putObject("data");
            data.put("endpoint", n.endpoint());
            data.put("rollout", n.rolloutId());
            data.put("candidate", n.candidate());
            data.put("summary", n.summary());
            n.link().ifPresent(link -> data.put("link", link));
            if (!n.contacts().isEmpty()) {
                ArrayNode contacts = data.putArray("contacts");
                n.contacts().forEach(contacts::add);
            }
            return event;
        }
    },
    /** A Slack incoming webhook: {@code text} in Slack's mrkdwn, with its control characters escaped. */
    SLACK("application/json; charset=utf-8") {
        @Override
        ObjectNode payload(Notification n) {
            StringBuilder text = new StringBuilder()
                    .append('*')
                    .append(slack(title(n)))
                    .append("*\n")
                    .append(slack(n.summary()));
            if (!n.contacts().isEmpty()) {
                text.append("\nFor: ").append(slack(String.join(", ", n.contacts())));
            }
            n.link().ifPresent(link -> text.append("\n<").append(slack(link)).append("|Open the rollout>"));
            ObjectNode message = Json.mapper().createObjectNode();
            message.put("text", text.toString());
            return message;
        }
    },
    /**
     * A Microsoft Teams workflow ("post to a channel when a webhook request is received"): an Adaptive Card whose texts
     * are shown as written (a comment's {@code [text](url)} or {@code **} is not Markdown there).
     */
    TEAMS("application/json; charset=utf-8") {
        @Override
        ObjectNode payload(Notification n) {
            ObjectNode message = Json.mapper().createObjectNode();
            message.put("type", "message");
            ObjectNode attachment = message.putArray("attachments").addObject();
            attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
            attachment.putNull("contentUrl");
            ObjectNode card = attachment.putObject("content");
            card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            card.put("type", "AdaptiveCard");
            card.put("version", "1.4");
            ArrayNode body = card.putArray("body");
            plainText(body, title(n)).put("weight", "Bolder");
            plainText(body, n.summary());
            if (!n.contacts().isEmpty()) {
                plainText(body, "For: " + String.join(", ", n.contacts()));
            }
            n.link()
                    .ifPresent(link -> card.putArray("actions")
                            .addObject()
                            .put("type", "Action.OpenUrl")
                            .put("title", "Open the rollout")
                            .put("url", link));
            return message;
        }
    };

    private final String contentType;

    SinkFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    abstract ObjectNode payload(Notification notification);

    public String body(Notification notification) {
        try {
            return Json.mapper().writeValueAsString(payload(notification));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notification", e);
        }
    }

    /** How settings spell it: {@code webhook}, {@code slack}, {@code teams}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String title(Notification n) {
        return n.endpoint() + ": " + n.type().word() + " (" + n.candidate() + ", " + n.rolloutId() + ")";
    }

    /**
     * Adds a paragraph that Teams shows as written: a TextBlock's text is Markdown, a TextRun's never is.
     *
     * @return the text run, to style
     */
    private static ObjectNode plainText(ArrayNode body, String text) {
        ObjectNode paragraph = body.addObject().put("type", "RichTextBlock");
        return paragraph.putArray("inlines").addObject().put("type", "TextRun").put("text", text);
    }

    private static String slack(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

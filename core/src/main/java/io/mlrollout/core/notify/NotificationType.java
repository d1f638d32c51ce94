package io.mlrollout.core.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What people are told about; each is one CloudEvents type, e.g. {@code io.mlrollout.rollout.promoted}. */
public enum NotificationType {
    STARTED,
    SIGN_OFF_NEEDED,
    SIGNED,
    REFUSED,
    GATE_EXPIRING,
    ESCALATED,
    STAGE_FAILED,
    ROLLED_BACK,
    ROLLBACK_FAILED,
    PROMOTED;

    /** How settings spell it: {@code signOffNeeded}. */
    public String word() {
        StringBuilder word = new StringBuilder();
        for (String part : name().toLowerCase(Locale.ROOT).split("_")) {
            word.append(word.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return word.toString();
    }

    /** The CloudEvents {@code type}: {@code io.mlrollout.rollout.sign-off-needed}. */
    public String cloudEventType() {
        return "io.mlrollout.rollout." + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<NotificationType> ofWord(String word) {
        return Arrays.stream(values()).filter(t -> t.word().equals(word)).findFirst();
    }

    /** Every spelling, for error messages. */
    public static String words() {
        return String.join(
                ", ", Arrays.stream(values()).map(NotificationType::word).toList());
    }
}

package io.mlrollout.core.policy;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the known word a misspelt one most likely meant, for "did you mean …?" hints in the errors of a configuration
 * document (a policy, the command line's endpoint file).
 */
public final class Suggestions {

    private Suggestions() {}

    /** The closest candidate within a small edit distance (case ignored), if any. */
    static Optional<String> closest(String word, Collection<String> candidates) {
        String wanted = word.toLowerCase(Locale.ROOT);
        int allowed = wanted.length() < 5 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** " (did you mean x?)" or nothing: ready to append to a message. */
    public static String hint(String word, Collection<String> candidates) {
        return closest(word, candidates).map(c -> "; did you mean " + c + "?").orElse("");
    }

    /** How {@link #unknownKey} begins: a key's own mistake, whatever value stands under it. */
    static final String UNKNOWN_KEY = "unknown key; ";

    /**
     * Why {@code key} is refused where only {@code known} keys may stand: {@code unknown key; did you mean router?}, or
     * the known keys when none is close.
     */
    public static String unknownKey(String key, List<String> known) {
        return UNKNOWN_KEY
                + closest(key, known)
                        .map(k -> "did you mean " + k + "?")
                        .orElse("known keys here: " + String.join(", ", known));
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

package io.mlrollout.core.analysis;

import java.util.Objects;

/**
 * One slice of a sliced metric at one look, as a row of the per-slice table: its requests, its rates and its verdict.
 *
 * @param label the slice label, e.g. {@code region}
 * @param slice the label's value, e.g. {@code eu-west}
 * @param candidateRequests the candidate's requests in the slice that its test judged (the canary so far, or the watch)
 * @param baselineRequests the baseline's requests alongside
 * @param candidate a ratio slice: the candidate's rate over those requests; a latency slice: the median of the
 *     candidate's per-look quantiles in the stage (or the watch); null without requests
 * @param baseline the baseline's alike, or null without requests or a live baseline
 * @param verdict what the slice showed: see {@link Verdict}
 */
public record SliceLook(
        String label,
        String slice,
        double candidateRequests,
        double baselineRequests,
        Double candidate,
        Double baseline,
        Verdict verdict) {

    public SliceLook {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(slice, "slice");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** What one slice showed. Only a failure decides anything; the aggregate carries the evidence for a pass. */
    public enum Verdict {
        /** Shown worse than the policy allows: fails the metric, naming the slice. */
        FAIL("FAIL"),
        /** Enough requests, beyond the allowance so far but not yet shown to be a regression. */
        BEYOND_SO_FAR("beyond the allowance so far, not yet shown"),
        /** Shown within the margin. */
        SHOWN_WITHIN("shown within"),
        /** Enough requests, no regression shown (nor its absence yet). */
        NO_REGRESSION_SHOWN("no regression shown"),
        /** Fewer requests than slices.minRequests: not judged. */
        TOO_FEW_REQUESTS("too few requests"),
        /** Beyond the first slices.max slices seen: not judged, counted in the aggregate only. */
        OVER_MAX("not judged: over slices.max");

        private final String words;

        Verdict(String words) {
            this.words = words;
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /** {@code region=eu-west}. */
    public String name() {
        return label + "=" + slice;
    }

    /** One row for {@code count} slices beyond {@code slices.max}, with their requests together and no values. */
    static SliceLook unjudgedRest(String label, int count, double candidateRequests, double baselineRequests) {
        return new SliceLook(
                label, "(" + count + " more)", candidateRequests, baselineRequests, null, null, Verdict.OVER_MAX);
    }

    /** The candidate's value in words: {@code no data} without requests, {@code –} in a row of several slices. */
    public String candidateText(String unit) {
        return valueText(candidate, candidateRequests, unit);
    }

    /** The baseline's value in words, as {@link #candidateText}. */
    public String baselineText(String unit) {
        return valueText(baseline, baselineRequests, unit);
    }

    private static String valueText(Double value, double requests, String unit) {
        return value == null && requests > 0 ? "–" : Format.value(value, unit);
    }
}

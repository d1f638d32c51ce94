package io.mlrollout.core.analysis;

import java.util.List;
import java.util.Objects;

/**
 * One metric at one look, as people read it: the candidate's and the baseline's numbers, the outcome, and a sentence
 * that explains it.
 *
 * @param metric the metric's name
 * @param outcome the outcome of this look
 * @param candidate the candidate's value in {@code unit} (over the look's window), or null without data
 * @param baseline the baseline's value, or null without data or after promotion
 * @param unit how to print the values: {@code "%"} (fractions shown as percent), {@code "ms"}, or {@code ""}
 * @param explanation a sentence with numbers, e.g. "error rate 0.41% vs 0.47% (limit +10%), no regression yet"
 * @param slices a sliced metric's per-slice table, empty for other metrics
 */
public record MetricLook(
        String metric,
        Outcome outcome,
        Double candidate,
        Double baseline,
        String unit,
        String explanation,
        List<SliceLook> slices) {
    public MetricLook {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(explanation, "explanation");
        slices = slices == null ? List.of() : List.copyOf(slices);
    }

    /** A look at a metric that is not sliced. */
    public MetricLook(
            String metric, Outcome outcome, Double candidate, Double baseline, String unit, String explanation) {
        this(metric, outcome, candidate, baseline, unit, explanation, List.of());
    }

    /** The same look with a note added to its sentence. */
    public MetricLook withNote(String note) {
        return new MetricLook(metric, outcome, candidate, baseline, unit, explanation + " [" + note + "]", slices);
    }
}

package io.mlrollout.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ${name}} placeholders a hand-written query may use. The metrics connector fills them in for each read;
 * the parser refuses any other name, so a typo fails before traffic moves rather than as an empty series later.
 */
public final class QueryPlaceholders {

    /** The model version being read: the baseline's or the candidate's. */
    public static final String VERSION = "version";
    /** The analysis interval as a Prometheus duration in whole seconds, e.g. {@code 60s} for {@code 1m}. */
    public static final String INTERVAL = "interval";

    public static final String ENDPOINT = "endpoint";
    public static final String NAMESPACE = "namespace";
    /**
     * A ratio metric's latency threshold as a plain number of milliseconds (e.g. {@code 250}), the unit of Istio's and
     * pre-OpenTelemetry Knative's latency buckets ({@code le}).
     */
    public static final String THRESHOLD = "threshold";
    /** The same threshold in seconds (e.g. {@code 0.25}), the unit of OpenTelemetry-style {@code _seconds} buckets. */
    public static final String THRESHOLD_SECONDS = "thresholdSeconds";
    /** A quantile metric's quantile, e.g. {@code 0.99}. */
    public static final String QUANTILE = "quantile";

    public static final List<String> KNOWN =
            List.of(VERSION, INTERVAL, ENDPOINT, NAMESPACE, THRESHOLD, THRESHOLD_SECONDS, QUANTILE);

    /** The metric field a placeholder takes its value from, for the two that need one. */
    public static String field(String placeholder) {
        return placeholder.equals(THRESHOLD_SECONDS) ? THRESHOLD : placeholder;
    }

    private QueryPlaceholders() {}

    /**
     * Whether {@code value} (a version's name, a template parameter's text) can be written into a query's text: a
     * quote, backslash or backtick could end the PromQL string it stands in and change the query, and a line break or
     * other control character (Unicode's line and paragraph separators too) has no place in a name.
     */
    public static boolean fitsInQuery(String value) {
        return value.chars()
                .noneMatch(c -> c == '"'
                        || c == '\\'
                        || c == '`'
                        || Character.isISOControl(c)
                        || c == '\u2028'
                        || c == '\u2029');
    }

    /** Why {@code value} cannot fill a placeholder (see {@link #fitsInQuery}), or empty when it can. */
    public static Optional<String> valueProblem(String value) {
        return fitsInQuery(value)
                ? Optional.empty()
                : Optional.of(
                        "must not contain quotes, backslashes, backticks, line breaks or other control characters:"
                                + " it is matched in Prometheus queries");
    }

    /**
     * The placeholder names a query uses, in order of appearance.
     *
     * @throws IllegalArgumentException when a {@code ${} is never closed
     */
    public static List<String> namesIn(String query) {
        List<String> names = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = query.indexOf("${", from);
            if (start < 0) {
                return names;
            }
            int end = query.indexOf('}', start + 2);
            if (end < 0) {
                throw new IllegalArgumentException("has a ${ that is never closed with }");
            }
            names.add(query.substring(start + 2, end));
            from = end + 1;
        }
    }
}

package io.mlrollout.core.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A metric judged per slice of traffic as well as over all of it: per value of one label (a region, a customer
 * segment, a device), so that a candidate that fails one group of users is caught while the aggregate looks healthy.
 *
 * <p>Ratio metrics and latency quantiles read from a histogram can be sliced: their counts (bad and total requests,
 * requests per latency bucket) add up across slices, so each slice is judged on counts of its own.
 *
 * @param label the label the queries are grouped by ({@code sum by (label)}, {@code sum by (le, label)})
 * @param minRequests the requests each version must have served in a slice before the slice is judged
 * @param max the most slices judged; the metric's share of the false-rollback budget is split over them in advance
 */
public record SliceSpec(String label, long minRequests, int max) {

    public static final long DEFAULT_MIN_REQUESTS = 500;
    public static final int DEFAULT_MAX = 8;

    /** A plain {@code sum(}: the aggregation a sliced query is grouped at. */
    private static final Pattern SUM = Pattern.compile("\\bsum\\s*\\(");

    private static final Pattern GROUPED_SUM = Pattern.compile("\\bsum\\s+(by|without)\\b");

    /** A sum that keeps a histogram's buckets apart, {@code sum by (le) (}: what a sliced bucket query groups. */
    private static final Pattern SUM_BY_LE = Pattern.compile("\\bsum\\s+by\\s*\\(\\s*le\\s*\\)\\s*\\(");

    public SliceSpec {
        Objects.requireNonNull(label, "label");
    }

    /**
     * The query with each {@code sum(...)} grouped by the label, {@code sum by (region) (...)}, so that it gives one
     * series per slice; a difference of two sums then matches slice by slice.
     *
     * @throws IllegalArgumentException when the query has no plain {@code sum(...)} to group, or already groups
     */
    public String group(String query) {
        if (GROUPED_SUM.matcher(query).find()) {
            throw new IllegalArgumentException(
                    "already groups with sum by/without; write it with plain sum(...) and the slices group it by "
                            + label);
        }
        if (!SUM.matcher(query).find()) {
            throw new IllegalArgumentException(
                    "has no sum(...) to group by " + label + "; aggregate the counts with sum(...)");
        }
        return SUM.matcher(query).replaceAll("sum by (" + label + ") (");
    }

    /**
     * A histogram's bucket query with each {@code sum by (le) (...)} grouped by the label as well, {@code sum by (le,
     * region) (...)}, so that it gives each slice's buckets; a difference of two such sums then matches bucket by
     * bucket and slice by slice.
     *
     * @throws IllegalArgumentException when the query has no {@code sum by (le) (...)} to group
     */
    public String groupBuckets(String query) {
        if (!SUM_BY_LE.matcher(query).find()) {
            throw new IllegalArgumentException(
                    "has no sum by (le) (...) to group by " + label + "; aggregate the buckets with sum by (le) (...)");
        }
        return SUM_BY_LE.matcher(query).replaceAll("sum by (le, " + label + ") (");
    }
}

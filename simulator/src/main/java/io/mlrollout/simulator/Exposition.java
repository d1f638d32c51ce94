package io.mlrollout.simulator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Writes the simulator's counters in the Prometheus text exposition format 0.0.4, with the names and labels of Istio's
 * standard metrics (reporter "destination") plus a model-score histogram, so the Istio query presets work unchanged.
 */
final class Exposition {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Exposition() {}

    static String write(String endpoint, List<VersionStats> versions, Predicate<String> hidden) {
        return write(endpoint, versions, hidden, Optional.empty(), Map.of());
    }

    /**
     * @param sliceLabel the label the requests counter and the latency histogram are sliced by, if the traffic is
     *     sliced
     * @param bySlice per version, what it served in each slice (with a slice label only)
     */
    static String write(
            String endpoint,
            List<VersionStats> versions,
            Predicate<String> hidden,
            Optional<String> sliceLabel,
            Map<String, Map<String, VersionStats>> bySlice) {
        List<VersionStats> shown =
                versions.stream().filter(v -> !hidden.test(v.version())).toList();
        StringBuilder out = new StringBuilder(8192);

        header(out, "istio_requests_total", "counter", "Requests served, by version and response code.");
        for (VersionStats v : shown) {
            if (sliceLabel.isPresent()) {
                for (Map.Entry<String, VersionStats> slice :
                        bySlice.get(v.version()).entrySet()) {
                    for (Map.Entry<Integer, Long> e :
                            slice.getValue().responses().entrySet()) {
                        sample(
                                out,
                                "istio_requests_total",
                                sliceLabels(endpoint, v, sliceLabel.get(), slice.getKey()) + ",response_code=\""
                                        + e.getKey() + "\"",
                                Long.toString(e.getValue()));
                    }
                }
                continue;
            }
            for (Map.Entry<Integer, Long> e : v.responses().entrySet()) {
                sample(
                        out,
                        "istio_requests_total",
                        istioLabels(endpoint, v) + ",response_code=\"" + e.getKey() + "\"",
                        Long.toString(e.getValue()));
            }
        }

        header(out, "istio_request_duration_milliseconds", "histogram", "Request duration in milliseconds.");
        for (VersionStats v : shown) {
            if (sliceLabel.isPresent()) {
                for (Map.Entry<String, VersionStats> slice :
                        bySlice.get(v.version()).entrySet()) {
                    histogram(
                            out,
                            "istio_request_duration_milliseconds",
                            sliceLabels(endpoint, v, sliceLabel.get(), slice.getKey()),
                            Buckets.LATENCY_MS,
                            slice.getValue().latencyBuckets(),
                            slice.getValue().latencySumMs(),
                            true);
                }
                continue;
            }
            histogram(
                    out,
                    "istio_request_duration_milliseconds",
                    istioLabels(endpoint, v),
                    Buckets.LATENCY_MS,
                    v.latencyBuckets(),
                    v.latencySumMs(),
                    true);
        }

        header(out, "model_score", "histogram", "Prediction scores of successful requests.");
        for (VersionStats v : shown) {
            String labels = "endpoint=\"" + escape(endpoint) + "\",version=\"" + escape(v.version()) + "\"";
            histogram(out, "model_score", labels, Buckets.SCORE, v.scoreBuckets(), v.scoreSum(), false);
        }
        return out.toString();
    }

    private static String sliceLabels(String endpoint, VersionStats v, String label, String slice) {
        return istioLabels(endpoint, v) + "," + label + "=\"" + escape(slice) + "\"";
    }

    private static String istioLabels(String endpoint, VersionStats v) {
        return "reporter=\"destination\",destination_service_name=\"" + escape(endpoint) + "\",destination_version=\""
                + escape(v.version()) + "\"";
    }

    private static void histogram(
            StringBuilder out,
            String name,
            String labels,
            List<Double> bounds,
            List<Long> perBucket,
            double sum,
            boolean integralBounds) {
        long cumulative = 0;
        for (int i = 0; i <= bounds.size(); i++) {
            cumulative += perBucket.get(i);
            String le = i == bounds.size() ? "+Inf" : formatBound(bounds.get(i), integralBounds);
            sample(out, name + "_bucket", labels + ",le=\"" + le + "\"", Long.toString(cumulative));
        }
        sample(out, name + "_sum", labels, Double.toString(sum));
        sample(out, name + "_count", labels, Long.toString(cumulative));
    }

    /**
     * Istio writes its whole millisecond bounds as integers ("250") and the others as decimals ("0.5"); the score bounds
     * keep one decimal ("1.0").
     */
    private static String formatBound(double bound, boolean integral) {
        return integral && bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, String value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

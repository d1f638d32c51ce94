package io.mlrollout.core.metrics;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Prometheus API answers for tests, in the envelope Prometheus 2.42 writes. */
final class PromJson {
    private PromJson() {}

    static String vector(String... series) {
        return success("vector", String.join(",", series));
    }

    /** A vector series: labels as alternating names and values, then the value string. */
    static String series(String value, String... labels) {
        return "{\"metric\":" + labels(labels) + ",\"value\":[1767225600.5,\"" + value + "\"]}";
    }

    static String matrix(String... series) {
        return success("matrix", String.join(",", series));
    }

    static String rangeSeries(String[] values, String... labels) {
        String points = Arrays.stream(values)
                .map(v -> "[" + v.split("@")[1] + ",\"" + v.split("@")[0] + "\"]")
                .collect(Collectors.joining(","));
        return "{\"metric\":" + labels(labels) + ",\"values\":[" + points + "]}";
    }

    static String scalar(String value) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1767225600,\"" + value
                + "\"]}}";
    }

    /** {@code answer} with Prometheus' {@code warnings}, as Thanos sends them with a partial response. */
    static String warned(String answer, String... warnings) {
        String list = Arrays.stream(warnings).map(w -> "\"" + w + "\"").collect(Collectors.joining(","));
        return "{\"warnings\":[" + list + "]," + answer.substring(1);
    }

    static String error(String type, String reason) {
        return "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + reason + "\"}";
    }

    private static String success(String type, String result) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"" + type + "\",\"result\":[" + result + "]}}";
    }

    private static String labels(String... pairs) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"')
                    .append(pairs[i])
                    .append("\":\"")
                    .append(pairs[i + 1])
                    .append('"');
        }
        return out.append('}').toString();
    }
}

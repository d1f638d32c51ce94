package io.mlrollout.simulator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Traffic split into slices by one label (a region, a customer segment), each with its share of the requests, and
 * optionally one slice where the canary's regression shows: there the canary serves as its own profile says (its error
 * rate and its latency), elsewhere as the baseline's does, so the aggregate can look healthy while one slice is not. A
 * candidate profile that is slower (e.g. {@code withLatency(1.5 * median, sigma)}) is a latency regression in that
 * slice only. The requests counter and the latency histogram carry the label.
 *
 * @param label the label's name on {@code istio_requests_total}, e.g. {@code region}
 * @param slices the slices and their relative weights
 * @param regressed the slice where the canary's error rate applies; empty for every slice
 */
public record TrafficSlices(String label, List<Slice> slices, Optional<String> regressed) {

    /** One slice and its relative share of the requests. */
    public record Slice(String name, double weight) {
        public Slice {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException(
                        "a slice name must be letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException(
                        "the weight of slice " + name + " must be more than 0, got " + weight);
            }
        }
    }

    public TrafficSlices {
        Objects.requireNonNull(label, "label");
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || label.startsWith("__")) {
            throw new IllegalArgumentException("'" + label + "' is not a Prometheus label name");
        }
        slices = List.copyOf(slices);
        if (slices.isEmpty()) {
            throw new IllegalArgumentException("slices by " + label + " need at least one slice");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Slice slice : slices) {
            if (!names.add(slice.name())) {
                throw new IllegalArgumentException("slice " + slice.name() + " is listed twice");
            }
        }
        regressed = regressed == null ? Optional.empty() : regressed;
        regressed.ifPresent(r -> {
            if (!names.contains(r)) {
                throw new IllegalArgumentException("the regressed slice " + r + " is not one of " + names);
            }
        });
    }

    /**
     * Reads {@code region=us-east:6,eu-west:3,ap-south:1}: the label, then the slices with their weights (1 when left
     * out).
     */
    public static TrafficSlices parse(String spec, Optional<String> regressed) {
        int equals = spec.indexOf('=');
        if (equals <= 0 || equals == spec.length() - 1) {
            throw new IllegalArgumentException(
                    "expected LABEL=SLICE[:WEIGHT],... such as region=us-east:6,eu-west:3,ap-south:1, got '" + spec
                            + "'");
        }
        List<Slice> slices = new ArrayList<>();
        for (String item : spec.substring(equals + 1).split(",", -1)) {
            String[] parts = item.split(":", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("expected SLICE or SLICE:WEIGHT, got '" + item + "'");
            }
            double weight;
            try {
                weight = parts.length == 2 ? Double.parseDouble(parts[1]) : 1;
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException(
                        "the weight of slice " + parts[0] + " is not a number: '" + parts[1] + "'");
            }
            slices.add(new Slice(parts[0].trim(), weight));
        }
        return new TrafficSlices(spec.substring(0, equals).trim(), slices, regressed);
    }

    /** Draws a request's slice by the weights. */
    int pick(Random random) {
        double total = slices.stream().mapToDouble(Slice::weight).sum();
        double at = random.nextDouble() * total;
        for (int i = 0; i < slices.size() - 1; i++) {
            at -= slices.get(i).weight();
            if (at < 0) {
                return i;
            }
        }
        return slices.size() - 1;
    }

    /** Whether the canary's own profile applies in the slice: the regressed one, or every slice without one. */
    boolean canaryRegressesIn(int slice) {
        return regressed.map(r -> r.equals(slices.get(slice).name())).orElse(true);
    }
}

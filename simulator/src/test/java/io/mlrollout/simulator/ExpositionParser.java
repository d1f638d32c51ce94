package io.mlrollout.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text exposition format back, strictly: every line must be a HELP, a TYPE or a sample with quoted labels,
 * so a malformed line fails the test rather than being skipped.
 */
final class ExpositionParser {

    record Sample(String name, Map<String, String> labels, double value) {}

    record Parsed(Map<String, String> help, Map<String, String> types, List<Sample> samples) {
        List<Sample> named(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        double value(String name, Map<String, String> labels) {
            List<Sample> found = samples.stream()
                    .filter(s -> s.name().equals(name) && s.labels().equals(labels))
                    .toList();
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " samples " + name + labels);
            }
            return found.get(0).value();
        }
    }

    private static final Pattern META = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)} (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

    private ExpositionParser() {}

    static Parsed parse(String text) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a newline");
        }
        for (String line : text.split("\n")) {
            Matcher meta = META.matcher(line);
            Matcher sample = SAMPLE.matcher(line);
            if (meta.matches()) {
                (meta.group(1).equals("HELP") ? help : types).put(meta.group(2), meta.group(3));
            } else if (sample.matches()) {
                samples.add(new Sample(sample.group(1), labels(sample.group(2)), value(sample.group(3))));
            } else {
                throw new AssertionError("not a valid exposition line: " + line);
            }
        }
        return new Parsed(help, types, samples);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError("bad labels: " + text);
            }
            labels.put(m.group(1), m.group(2));
            at = m.end();
        }
        return labels;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}

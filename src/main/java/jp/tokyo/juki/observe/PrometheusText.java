package jp.tokyo.juki.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Samples read from the Prometheus text format (0.0.4) that /observe/metrics serves, for
 * {@code ./gateway status}. Comments and types are skipped; label values are unescaped.
 */
public record PrometheusText(List<Sample> samples) {

    /** One line: a metric name, its labels and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            int rest;
            if (brace >= 0 && (space < 0 || brace < space)) {
                name = line.substring(0, brace);
                rest = labels(line, brace + 1, labels);
            } else {
                name = line.substring(0, space);
                rest = space;
            }
            String[] tail = line.substring(rest).strip().split("\\s+");
            try {
                samples.add(new Sample(name, labels, Double.parseDouble(tail[0])));
            } catch (NumberFormatException e) {
                // not a sample line we understand: skipped
            }
        }
        return new PrometheusText(List.copyOf(samples));
    }

    /** Reads {@code k="v",…}} from {@code at}; returns the index after the closing brace. */
    private static int labels(String line, int at, Map<String, String> into) {
        int i = at;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // after ="
            while (j < line.length() && line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char n = line.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
                j++;
            }
            into.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }

    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The sum of the samples of {@code name} that match. */
    public double sum(String name, Predicate<Sample> which) {
        return named(name).stream().filter(which).mapToDouble(Sample::value).sum();
    }
}

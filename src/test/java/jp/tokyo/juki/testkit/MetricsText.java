package jp.tokyo.juki.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the gateway's Prometheus text (/observe/metrics) in the ITs. */
public final class MetricsText {
    private MetricsText() {
    }

    /** The value of the first sample of {@code name} whose labels contain all of {@code labels}, or NaN. */
    public static double metric(String text, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= l.contains(label);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }
}

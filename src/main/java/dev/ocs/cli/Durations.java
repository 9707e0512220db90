package dev.ocs.cli;

import dev.ocs.OcsException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "90", "90s", "10m", "1h", "1h30m", "500ms". */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)?");

    private Durations() {}

    static Duration parse(String option, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher m = PART.matcher(t);
        long ms = 0;
        int pos = 0;
        while (pos < t.length() && m.find(pos) && m.start() == pos) {
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            ms += (long) (v * switch (unit) {
                case "ms" -> 1;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 1000;
            });
            pos = m.end();
        }
        if (t.isEmpty() || pos != t.length() || ms <= 0) {
            throw OcsException.usage(option + " '" + text + "' is not a duration: use e.g. 90s, 10m or 1h");
        }
        return Duration.ofMillis(ms);
    }
}

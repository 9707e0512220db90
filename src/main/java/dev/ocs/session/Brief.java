package dev.ocs.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code inspect --brief} keeps, sized for an agent's context whatever the session's length: the header, the
 * totals, at most {@value #FINDINGS} findings (errors first; each text clipped to {@value #FIELD} characters; the
 * rest counted by code), at most {@value #REQUESTS} pending permissions and questions, and the newest answer
 * clipped to {@value #ANSWER} characters. Messages only with {@code --last N}.
 */
public final class Brief {
    public static final int FINDINGS = 8;
    public static final int FIELD = 240;
    public static final int REQUESTS = 5;
    public static final int ANSWER = 2000;

    private Brief() {}

    /** The findings shown: errors before warnings, in the order found. */
    public static List<Finding> shown(List<Finding> all) {
        List<Finding> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(f -> f.severity().ordinal()));
        return sorted.subList(0, Math.min(FINDINGS, sorted.size()));
    }

    /** The findings left out, counted by code. */
    public static Map<String, Integer> omitted(List<Finding> all) {
        List<Finding> shown = shown(all);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Finding f : all) {
            if (!shown.contains(f)) {
                out.merge(f.code(), 1, Integer::sum);
            }
        }
        return out;
    }

    public static <T> List<T> first(List<T> all) {
        return all.subList(0, Math.min(REQUESTS, all.size()));
    }

    /** At most {@code max} characters (a surrogate pair is never split), marked with … when cut. */
    public static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return Part.start(s, max - 1) + "…";
    }

    public static String clip(String s) {
        return clip(s, FIELD);
    }
}

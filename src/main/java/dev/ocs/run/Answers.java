package dev.ocs.run;

import dev.ocs.OcsException;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Question;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns what a person gave on the command line ({@code --option Postgres --next --text "in Docker"}) into the
 * answers a question request takes: for each of its questions in order, the labels chosen. Options are matched by
 * label, case-insensitively, a unique prefix being enough; whatever does not fit the request is a usage error that
 * says what would.
 */
public final class Answers {
    /** One thing given: an option's label as typed, or a text of one's own. */
    public record Given(boolean text, String value) {
        public static Given option(String label) {
            return new Given(false, label);
        }

        public static Given text(String text) {
            return new Given(true, text);
        }
    }

    private Answers() {}

    /** @param groups what was given for each question, in order (split at each {@code --next}) */
    public static List<List<String>> resolve(Question q, List<List<Given>> groups) {
        int n = q.questions().size();
        if (n == 0) {
            throw OcsException.usage(q.id() + " holds no question to answer; decline it with --reject");
        }
        if (groups.size() > n) {
            throw OcsException.usage(q.id() + " holds " + n + " question" + (n == 1 ? "" : "s") + ", and "
                    + groups.size() + " answers were given (--next separates them)");
        }
        if (groups.size() < n) {
            Question.Item next = q.questions().get(groups.size());
            throw OcsException.usage(q.id() + " holds " + n + " questions: answer each in order, with --next "
                    + "between them; question " + (groups.size() + 1) + " is " + describe(next));
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(one(q.questions().get(i), i + 1, n, groups.get(i)));
        }
        return out;
    }

    private static List<String> one(Question.Item item, int index, int count, List<Given> given) {
        String which = count == 1 ? "the question" : "question " + index;
        if (given.isEmpty()) {
            throw OcsException.usage(which + " has no answer: " + describe(item));
        }
        Set<String> labels = new LinkedHashSet<>();
        for (Given g : given) {
            if (g.text()) {
                if (g.value().isBlank()) {
                    throw OcsException.usage("--text is empty; give the answer's words");
                }
                if (!item.custom()) {
                    throw OcsException.usage(which + " takes only its options: " + item.labels());
                }
                labels.add(g.value());
            } else {
                labels.add(match(item, which, g.value()));
            }
        }
        if (labels.size() > 1 && !item.multiple()) {
            throw OcsException.usage(which + " takes one answer, " + labels.size() + " were given: "
                    + String.join(", ", labels));
        }
        return List.copyOf(labels);
    }

    /** The option a typed label names: the same label in any case, else the only one it begins. */
    static String match(Question.Item item, String which, String typed) {
        String t = typed.strip().toLowerCase(Locale.ROOT);
        List<String> prefixed = new ArrayList<>();
        for (Question.Option o : item.options()) {
            String label = o.label().toLowerCase(Locale.ROOT);
            if (label.equals(t)) {
                return o.label();
            }
            if (!t.isEmpty() && label.startsWith(t)) {
                prefixed.add(o.label());
            }
        }
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        String shown = OpencodeClient.oneLine(typed, 40);
        if (prefixed.isEmpty()) {
            throw OcsException.usage(which + " has no option '" + shown + "'; its options: " + item.labels()
                    + (item.custom() ? " (or --text for an answer of your own)" : ""));
        }
        throw OcsException.usage("'" + shown + "' begins several options of " + which + ": "
                + String.join(", ", prefixed) + "; type more of the label");
    }

    /** Answers as said to a person: each question's labels joined by ", ", the questions by "; ". */
    public static String text(List<List<String>> answers) {
        List<String> each = new ArrayList<>();
        answers.forEach(a -> each.add(String.join(", ", a)));
        return String.join("; ", each);
    }

    /** A question in a few words, with what it takes: {@code Database: Which database? [Postgres | SQLite]}. */
    public static String describe(Question.Item item) {
        return (item.header() == null || item.header().isBlank() ? "" : item.header() + ": ")
                + OpencodeClient.oneLine(item.question() == null ? "?" : item.question(), 120) + " [" + item.labels()
                + "]" + (item.multiple() ? ", several may be chosen" : "")
                + (item.custom() ? ", --text for your own" : "");
    }
}

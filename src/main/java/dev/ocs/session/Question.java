package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * A pending question request from {@code GET /question} or a {@code question.asked} event: the model called the
 * {@code question} tool, and the run waits until someone answers it ({@code POST /question/{id}/reply}) or
 * declines it ({@code …/reject}). One request may hold several questions, answered in order.
 */
public record Question(String id, String sessionID, List<Item> questions, String messageID, String callID) {

    /**
     * One question of a request.
     *
     * @param multiple several options may be chosen (the server's default: no)
     * @param custom   a typed answer is allowed besides the options (the server's default: yes)
     */
    public record Item(String question, String header, boolean multiple, boolean custom, List<Option> options) {
        /** The labels, for a message: {@code Postgres | SQLite}. */
        public String labels() {
            List<String> l = new ArrayList<>();
            options.forEach(o -> l.add(o.label()));
            return l.isEmpty() ? "(no options)" : String.join(" | ", l);
        }
    }

    public record Option(String label, String description) {}

    public static List<Question> listFrom(JsonNode all) {
        List<Question> out = new ArrayList<>();
        if (all != null && all.isArray()) {
            for (JsonNode n : all) {
                if (n.isObject()) {
                    out.add(from(n));
                }
            }
        }
        return out;
    }

    public static Question from(JsonNode n) {
        List<Item> items = new ArrayList<>();
        JsonNode qs = n == null ? null : n.get("questions");
        if (qs != null && qs.isArray()) {
            for (JsonNode q : qs) {
                List<Option> options = new ArrayList<>();
                JsonNode os = q.get("options");
                if (os != null && os.isArray()) {
                    for (JsonNode o : os) {
                        String label = Json.text(o, "label");
                        if (label != null) {
                            options.add(new Option(label, Json.text(o, "description")));
                        }
                    }
                }
                items.add(new Item(Json.text(q, "question"), Json.text(q, "header"),
                        q.path("multiple").asBoolean(false), q.path("custom").asBoolean(true), List.copyOf(options)));
            }
        }
        JsonNode tool = Json.obj(n, "tool");
        return new Question(Json.text(n, "id"), Json.text(n, "sessionID"), List.copyOf(items),
                Json.text(tool, "messageID"), Json.text(tool, "callID"));
    }

    /** The request in one line: each question with its options. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        for (Item q : questions) {
            String head = q.header() == null || q.header().isBlank() ? "" : q.header() + ": ";
            parts.add(head + (q.question() == null ? "?" : q.question()) + " [" + q.labels() + "]"
                    + (q.multiple() ? " (several)" : ""));
        }
        return parts.isEmpty() ? "(no questions)" : String.join("; ", parts);
    }
}

package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;
import dev.ocs.http.JsonBytes;

import java.util.ArrayList;
import java.util.List;

/**
 * One part of a message, reduced to what the report shows. Long texts are trimmed here, while reading,
 * so a report of a session of any size holds only what it prints. Fields that do not apply are null.
 */
public final class Part {
    public String id;
    public String type;
    /** text and reasoning: the (possibly trimmed) text; null for reasoning unless asked for. */
    public String text;
    /** Length of the full text, before trimming. */
    public int chars;
    public boolean blank = true;
    public boolean trimmed;
    // tool
    public String tool;
    public String callID;
    public String status;
    public String input;
    /** The tool's input as indented JSON, when the read asked for it ({@link ReadOptions#toolInputs}). */
    public String inputJson;
    public boolean inputTrimmed;
    public String output;
    public int outputChars;
    public boolean outputTrimmed;
    public String error;
    public String title;
    // step-finish
    public String reason;
    public Tokens tokens;
    public Double cost;
    // file
    public String mime;
    public String filename;
    public String url;
    // patch
    public List<String> files;
    // subtask and agent
    public String agent;
    public String description;
    public String prompt;
    // compaction
    public Boolean auto;
    // retry
    public Integer attempt;
    public Long start;
    public Long end;
    /** Unknown part types: the field names the server sent, so the report can say what it was. */
    public List<String> keys;

    public boolean isModelOutput() {
        return switch (type) {
            case "text", "reasoning" -> !blank;
            case "tool" -> true;
            default -> false;
        };
    }

    static Part from(JsonNode n, ReadOptions opt) {
        Part p = new Part();
        if (n == null || !n.isObject()) {
            p.type = "unknown";
            p.id = null;
            p.keys = List.of();
            return p;
        }
        p.id = Json.text(n, "id");
        p.type = Json.text(n, "type") == null ? "unknown" : Json.text(n, "type");
        JsonNode time = Json.obj(n, "time");
        p.start = Json.optNum(time, "start");
        p.end = Json.optNum(time, "end");
        switch (p.type) {
            case "text" -> p.setText(n.get("text"), opt.textLimit(), true);
            case "reasoning" -> p.setText(n.get("text"), opt.textLimit(), opt.thinking() || opt.full());
            case "tool" -> {
                p.tool = Json.text(n, "tool");
                p.callID = Json.text(n, "callID");
                JsonNode state = Json.obj(n, "state");
                p.status = Json.text(state, "status");
                p.input = ToolInput.summary(p.tool, state == null ? null : state.get("input"),
                        opt.full() ? 4000 : 120);
                JsonNode in = state == null ? null : state.get("input");
                if (opt.toolInputs() && in != null && !in.isNull()) {
                    String json = Json.pretty(in);
                    p.inputTrimmed = json.length() > opt.textLimit();
                    p.inputJson = start(json, opt.textLimit());
                }
                String out = Json.text(state, "output");
                if (out != null) {
                    p.outputChars = length(state.get("output"), out);
                    p.outputTrimmed = p.outputChars > opt.outputLimit();
                    p.output = start(out, opt.outputLimit());
                }
                p.error = Json.text(state, "error");
                p.title = Json.text(state, "title");
                JsonNode stime = Json.obj(state, "time");
                p.start = Json.optNum(stime, "start");
                p.end = Json.optNum(stime, "end");
            }
            case "step-finish" -> {
                p.reason = Json.text(n, "reason");
                p.tokens = Tokens.from(n.get("tokens"));
                p.cost = n.path("cost").isNumber() ? n.get("cost").asDouble() : null;
            }
            case "file" -> {
                p.mime = Json.text(n, "mime");
                p.filename = Json.text(n, "filename");
                String url = Json.text(n, "url");
                // data: URLs carry the whole file; the report only needs to know it is there.
                p.url = url != null && url.startsWith("data:") ? url.substring(0, Math.min(url.length(),
                        url.indexOf(',') < 0 ? 40 : url.indexOf(',') + 1)) + "…" : url;
            }
            case "patch" -> {
                p.files = strings(n.get("files"));
                p.title = Json.text(n, "hash");
            }
            case "subtask" -> {
                p.agent = Json.text(n, "agent");
                p.description = Json.text(n, "description");
                p.setText(n.get("prompt"), opt.textLimit(), true);
            }
            case "agent" -> p.agent = Json.text(n, "name");
            case "compaction" -> p.auto = n.path("auto").isBoolean() ? n.get("auto").asBoolean() : null;
            case "retry" -> {
                p.attempt = n.path("attempt").isNumber() ? n.get("attempt").asInt() : null;
                MessageError e = MessageError.from(n.get("error"));
                p.error = e == null ? null : e.describe();
                p.start = Json.optNum(time, "created");
            }
            case "step-start", "snapshot" -> { }
            default -> {
                List<String> keys = new ArrayList<>();
                n.fieldNames().forEachRemaining(k -> {
                    if (!k.equals("id") && !k.equals("sessionID") && !k.equals("messageID") && !k.equals("type")) {
                        keys.add(k);
                    }
                });
                p.keys = keys;
            }
        }
        return p;
    }

    /** {@code v}: a string, whole or only its start ({@link JsonBytes.LongText}); other scalars as text. */
    private void setText(JsonNode v, int limit, boolean keep) {
        if (v == null || v.isNull() || v.isContainerNode()) {
            return;
        }
        String t = v.asText();
        chars = length(v, t);
        blank = v instanceof JsonBytes.LongText l ? l.blank : t.isBlank();
        if (keep) {
            trimmed = chars > limit;
            text = start(t, limit);
        }
    }

    /** The first {@code limit} chars of {@code t}, or one fewer where the limit would split a surrogate pair. */
    static String start(String t, int limit) {
        if (t.length() <= limit) {
            return t;
        }
        return t.substring(0, limit > 0 && Character.isHighSurrogate(t.charAt(limit - 1)) ? limit - 1 : limit);
    }

    /** The whole length of a string read as {@code t}: more than t's when the reader kept only its start. */
    private static int length(JsonNode v, String t) {
        return v instanceof JsonBytes.LongText l ? l.chars : t.length();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}

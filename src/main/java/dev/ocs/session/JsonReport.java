package dev.ocs.session;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.List;

/**
 * The --json report. Its shape is a contract (README, "JSON output"): fields are added, never renamed or
 * removed. Absent values are written as null, so every documented key is always there. Messages are written as
 * they are read, so "messages" comes before "session", whose totals are known only once they have all gone by.
 */
public final class JsonReport implements ReportView {
    public static final int SCHEMA = 1;

    private final JsonGenerator g;
    private final boolean brief;

    public JsonReport(JsonGenerator g) {
        this(g, false);
    }

    /** @param brief {@code inspect --brief}: bounded in size ({@link Brief}) */
    public JsonReport(JsonGenerator g, boolean brief) {
        this.g = g;
        this.brief = brief;
    }

    @Override
    public void head(String url, SessionInfo session, Status status, Waiting waiting) {
        io(() -> {
            g.writeStartObject();
            g.writeNumberField("schema", SCHEMA);
            g.writeStringField("url", url);
            g.writeArrayFieldStart("messages");
        });
    }

    @Override
    public void message(Message m) {
        io(() -> message(g, m));
    }

    @Override
    public void end(Report r) {
        io(() -> {
            g.writeEndArray();
            session(g, r, brief);
            g.writeArrayFieldStart("permissions");
            for (Permission p : brief ? Brief.first(r.permissions()) : r.permissions()) {
                permission(g, p);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("questions");
            for (Question q : brief ? Brief.first(r.questions()) : r.questions()) {
                question(g, q);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("findings");
            for (Finding f : brief ? Brief.shown(r.findings()) : r.findings()) {
                g.writeStartObject();
                g.writeStringField("code", f.code());
                g.writeStringField("severity", f.severity().label());
                g.writeStringField("messageID", f.messageID());
                g.writeStringField("summary", brief ? Brief.clip(f.summary()) : f.summary());
                g.writeStringField("evidence", brief ? Brief.clip(f.evidence()) : f.evidence());
                g.writeStringField("advice", brief ? Brief.clip(f.advice()) : f.advice());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (brief) {
                g.writeBooleanField("brief", true);
                g.writeObjectFieldStart("findingsOmitted");
                for (Map.Entry<String, Integer> e : Brief.omitted(r.findings()).entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeNumberField("permissionsOmitted", r.permissions().size() - Brief.first(r.permissions()).size());
                g.writeNumberField("questionsOmitted", r.questions().size() - Brief.first(r.questions()).size());
                String answer = r.finalText();
                g.writeObjectFieldStart("answer");
                g.writeStringField("text", Brief.clip(answer, Brief.ANSWER));
                g.writeNumberField("chars", r.finalChars());
                g.writeBooleanField("trimmed", r.finalChars() > Brief.ANSWER);
                g.writeEndObject();
            }
            g.writeNumberField("exitCode", r.exitCode());
            g.writeEndObject();
            g.flush();
        });
    }

    private interface Write {
        void run() throws IOException;
    }

    private static void io(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void session(JsonGenerator g, Report r, boolean brief) throws IOException {
        SessionInfo s = r.session();
        g.writeObjectFieldStart("session");
        g.writeStringField("id", s.id());
        g.writeStringField("title", brief ? Brief.clip(s.title()) : s.title());
        g.writeStringField("directory", brief ? Brief.clip(s.directory()) : s.directory());
        g.writeStringField("parentID", s.parentID());
        g.writeStringField("version", s.version());
        optNumber(g, "created", s.created());
        optNumber(g, "updated", s.updated());
        Status st = r.status();
        g.writeObjectFieldStart("status");
        g.writeStringField("type", st.type());
        optNumber(g, "attempt", st.attempt() == null ? null : st.attempt().longValue());
        g.writeStringField("message", brief ? Brief.clip(st.message()) : st.message());
        optNumber(g, "next", st.next());
        g.writeEndObject();
        g.writeNumberField("messageCount", r.totals().messages());
        g.writeBooleanField("partial", r.totals().partial());
        tokens(g, "tokens", r.tokens());
        g.writeNumberField("cost", r.cost());
        g.writeEndObject();
    }

    private static void message(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id);
        g.writeStringField("role", m.role);
        g.writeStringField("parentID", m.parentID);
        g.writeStringField("providerID", m.providerID);
        g.writeStringField("modelID", m.modelID);
        g.writeStringField("agent", m.agent);
        optNumber(g, "created", m.created);
        optNumber(g, "completed", m.completed);
        optNumber(g, "durationMs", m.durationMs());
        g.writeStringField("finish", m.finish);
        tokens(g, "tokens", m.tokens);
        g.writeNumberField("cost", m.cost);
        if (m.error == null) {
            g.writeNullField("error");
        } else {
            g.writeObjectFieldStart("error");
            g.writeStringField("name", m.error.name());
            g.writeStringField("message", m.error.message());
            optNumber(g, "statusCode", m.error.statusCode() == null ? null : m.error.statusCode().longValue());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("parts");
        for (Part p : m.parts) {
            part(g, p);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void part(JsonGenerator g, Part p) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", p.id);
        g.writeStringField("type", p.type);
        switch (p.type) {
            case "text", "reasoning" -> text(g, p);
            case "tool" -> {
                g.writeStringField("tool", p.tool);
                g.writeStringField("callID", p.callID);
                g.writeStringField("status", p.status);
                g.writeStringField("input", p.input);
                g.writeStringField("output", p.output);
                g.writeNumberField("outputChars", p.outputChars);
                g.writeBooleanField("outputTrimmed", p.outputTrimmed);
                g.writeStringField("error", p.error);
                g.writeStringField("title", p.title);
            }
            case "step-finish" -> {
                g.writeStringField("reason", p.reason);
                tokens(g, "tokens", p.tokens == null ? Tokens.ZERO : p.tokens);
                if (p.cost != null) {
                    g.writeNumberField("cost", p.cost);
                }
            }
            case "file" -> {
                g.writeStringField("mime", p.mime);
                g.writeStringField("filename", p.filename);
                g.writeStringField("url", p.url);
            }
            case "patch" -> {
                g.writeStringField("hash", p.title);
                g.writeArrayFieldStart("files");
                for (String f : p.files) {
                    g.writeString(f);
                }
                g.writeEndArray();
            }
            case "subtask" -> {
                g.writeStringField("agent", p.agent);
                g.writeStringField("description", p.description);
                text(g, p);
            }
            case "agent" -> g.writeStringField("name", p.agent);
            case "compaction" -> {
                if (p.auto != null) {
                    g.writeBooleanField("auto", p.auto);
                }
            }
            case "retry" -> {
                optNumber(g, "attempt", p.attempt == null ? null : p.attempt.longValue());
                g.writeStringField("error", p.error);
            }
            default -> {
                if (p.keys != null) {
                    g.writeArrayFieldStart("fields");
                    for (String k : p.keys) {
                        g.writeString(k);
                    }
                    g.writeEndArray();
                }
            }
        }
        optNumber(g, "start", p.start);
        optNumber(g, "end", p.end);
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, Part p) throws IOException {
        g.writeStringField("text", p.text);
        g.writeNumberField("chars", p.chars);
        g.writeBooleanField("trimmed", p.trimmed);
    }

    private static void permission(JsonGenerator g, Permission p) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", p.id());
        g.writeStringField("sessionID", p.sessionID());
        g.writeStringField("permission", p.permission());
        g.writeArrayFieldStart("patterns");
        for (String s : p.patterns()) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeStringField("messageID", p.messageID());
        g.writeStringField("callID", p.callID());
        g.writeEndObject();
    }

    /** A pending question request; also {@code ocs answer --json}'s and the list's shape. */
    public static void question(JsonGenerator g, Question q) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", q.id());
        g.writeStringField("sessionID", q.sessionID());
        g.writeArrayFieldStart("questions");
        for (Question.Item item : q.questions()) {
            g.writeStartObject();
            g.writeStringField("question", item.question());
            g.writeStringField("header", item.header());
            g.writeBooleanField("multiple", item.multiple());
            g.writeBooleanField("custom", item.custom());
            g.writeArrayFieldStart("options");
            for (Question.Option o : item.options()) {
                g.writeStartObject();
                g.writeStringField("label", o.label());
                g.writeStringField("description", o.description());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("messageID", q.messageID());
        g.writeStringField("callID", q.callID());
        g.writeEndObject();
    }

    private static void tokens(JsonGenerator g, String name, Tokens t) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("input", t.input());
        g.writeNumberField("output", t.output());
        g.writeNumberField("reasoning", t.reasoning());
        g.writeNumberField("cacheRead", t.cacheRead());
        g.writeNumberField("cacheWrite", t.cacheWrite());
        g.writeEndObject();
    }

    private static void optNumber(JsonGenerator g, String name, Long v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }
}

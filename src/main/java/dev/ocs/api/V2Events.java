package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.events.Event;
import dev.ocs.events.SseReader;
import dev.ocs.http.ChunkedInputStream;
import dev.ocs.http.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/event} read as the older event stream: each v2 event ({@code {id, type, data}}, the session's
 * run told as {@code session.next.*} steps) becomes the events the follow loop already knows
 * ({@code {type, properties}}: message.updated, message.part.updated, message.part.delta, session.status,
 * session.idle, permission.asked/replied, question.*).
 *
 * <p>The v2 stream says nothing when a run is over: the end of a step that needs no further one (finish other
 * than tool calls) or a failed step is told as {@code session.idle}; a run that never starts a step (an unknown
 * model) is found idle by the loop's own look at the server once the stream is silent.
 */
final class V2Events {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** What a step started: the model and agent of its message, by message id (v2 repeats them nowhere else). */
    private final Map<String, JsonNode> steps = new HashMap<>();
    /** Tool calls in progress by call id: name and input, which the success and failure events leave out. */
    private final Map<String, ObjectNode> tools = new HashMap<>();

    /**
     * The older events one v2 event stands for (none for those the loop has no use for), each with the v2 event's
     * id (suffixed {@code -1}, {@code -2} … after the first where it stands for several).
     */
    List<ObjectNode> translate(JsonNode e) {
        List<ObjectNode> out = events(e);
        String id = Json.text(e, "id");
        for (int i = 0; id != null && i < out.size(); i++) {
            ObjectNode t = out.get(i);
            ObjectNode withId = F.objectNode().put("id", i == 0 ? id : id + "-" + i);
            withId.setAll(t);
            out.set(i, withId);
        }
        return out;
    }

    private List<ObjectNode> events(JsonNode e) {
        List<ObjectNode> out = new ArrayList<>();
        String type = Json.text(e, "type");
        JsonNode d = e == null ? null : e.get("data");
        if (type == null) {
            return out;
        }
        if (d == null || !d.isObject()) {
            d = F.objectNode();
        }
        String sid = Json.text(d, "sessionID");
        String mid = Json.text(d, "assistantMessageID");
        switch (type) {
            case "session.next.prompted" -> {
                out.add(status(sid, "busy"));
                // The prompt as the user message it becomes, with the ids a read of the messages gives it.
                ObjectNode m = F.objectNode();
                m.put("id", Json.text(d, "messageID")).put("type", "user");
                m.putObject("time").set("created", d.get("timestamp"));
                m.put("text", Json.text(Json.obj(d, "prompt"), "text"));
                ObjectNode user = V2Shapes.message(sid, m);
                if (user != null) {
                    out.add(event("message.updated", F.objectNode().put("sessionID", sid).set("info", user.get("info"))));
                    for (JsonNode p : user.get("parts")) {
                        out.add(event("message.part.updated", F.objectNode().set("part", p)));
                    }
                }
            }
            case "session.next.step.started" -> {
                steps.put(mid, d);
                out.add(status(sid, "busy"));
                out.add(messageUpdated(sid, mid, d, null));
            }
            case "session.next.text.started", "session.next.reasoning.started" -> {
                String kind = type.contains("text") ? "text" : "reasoning";
                out.add(partUpdated(sid, mid, Json.text(d, kind + "ID"), kind, ""));
            }
            case "session.next.text.delta", "session.next.reasoning.delta" -> {
                String kind = type.contains("text") ? "text" : "reasoning";
                ObjectNode p = F.objectNode();
                p.put("sessionID", sid);
                p.put("messageID", mid);
                p.put("partID", V2Shapes.partId(mid, Json.text(d, kind + "ID")));
                p.put("field", "text");
                p.put("delta", Json.text(d, "delta"));
                out.add(event("message.part.delta", p));
            }
            case "session.next.text.ended", "session.next.reasoning.ended" -> {
                String kind = type.contains("text") ? "text" : "reasoning";
                out.add(partUpdated(sid, mid, Json.text(d, kind + "ID"), kind, Json.text(d, "text")));
            }
            case "session.next.tool.input.started" -> {
                ObjectNode c = F.objectNode();
                c.put("type", "tool").put("id", Json.text(d, "callID")).put("name", Json.text(d, "name"));
                c.putObject("state").put("status", "pending");
                tools.put(Json.text(d, "callID"), c);
                out.add(toolPart(sid, mid, c));
            }
            case "session.next.tool.called" -> {
                ObjectNode c = tools.computeIfAbsent(Json.text(d, "callID"), k -> F.objectNode());
                c.put("type", "tool").put("id", Json.text(d, "callID")).put("name", Json.text(d, "tool"));
                ObjectNode state = c.putObject("state");
                state.put("status", "running");
                state.set("input", d.get("input"));
                out.add(toolPart(sid, mid, c));
            }
            case "session.next.tool.success", "session.next.tool.failed" -> {
                ObjectNode c = tools.remove(Json.text(d, "callID"));
                if (c == null) {
                    c = F.objectNode().put("type", "tool").put("id", Json.text(d, "callID"));
                }
                ObjectNode state = F.objectNode();
                boolean ok = type.endsWith("success");
                state.put("status", ok ? "completed" : "error");
                JsonNode old = c.path("state").get("input");
                state.set("input", old == null ? F.objectNode() : old);
                if (ok) {
                    state.set("content", d.get("content"));
                } else {
                    state.set("error", d.get("error"));
                }
                c.set("state", state);
                out.add(toolPart(sid, mid, c));
            }
            case "session.next.step.ended" -> {
                ObjectNode finish = F.objectNode();
                finish.put("id", V2Shapes.partId(mid, "finish"));
                finish.put("sessionID", sid);
                finish.put("messageID", mid);
                finish.put("type", "step-finish");
                finish.put("reason", Json.text(d, "finish"));
                finish.set("tokens", d.get("tokens"));
                finish.set("cost", d.get("cost"));
                out.add(event("message.part.updated", F.objectNode().set("part", finish)));
                out.add(messageUpdated(sid, mid, steps.get(mid), d));
                String why = Json.text(d, "finish");
                if (!"tool-calls".equals(why) && !"tool_calls".equals(why)) {
                    idle(out, sid);
                }
                steps.remove(mid);
            }
            case "session.next.step.failed" -> {
                out.add(messageUpdated(sid, mid, steps.remove(mid), d));
                idle(out, sid);
            }
            case "session.next.retried" -> {
                ObjectNode st = F.objectNode().put("type", "retry");
                st.set("attempt", d.get("attempt"));
                st.put("message", Json.text(Json.obj(d, "error"), "message"));
                out.add(event("session.status", F.objectNode().put("sessionID", sid).set("status", st)));
            }
            case "permission.v2.asked" -> out.add(event("permission.asked", V2Shapes.permission(d)));
            case "permission.v2.replied" -> out.add(event("permission.replied", d.deepCopy()));
            case "session.created", "session.updated", "session.deleted" -> {
                ObjectNode p = ((ObjectNode) d).deepCopy();
                p.set("info", V2Shapes.session(d.get("info")));
                out.add(event(type, p));
            }
            default -> {
                if (!type.startsWith("session.next.")) {
                    out.add(event(type, d.deepCopy())); // question.v2.*, todo.updated, session.error …: as sent
                }
            }
        }
        return out;
    }

    private static void idle(List<ObjectNode> out, String sid) {
        out.add(status(sid, "idle"));
        out.add(event("session.idle", F.objectNode().put("sessionID", sid)));
    }

    private static ObjectNode status(String sid, String type) {
        ObjectNode p = F.objectNode().put("sessionID", sid);
        p.putObject("status").put("type", type);
        return event("session.status", p);
    }

    private static ObjectNode event(String type, ObjectNode properties) {
        ObjectNode e = F.objectNode();
        e.put("type", type);
        e.set("properties", properties);
        return e;
    }

    /** The assistant message as far as known: started (model, agent), ended (finish, tokens) or failed (error). */
    private static ObjectNode messageUpdated(String sid, String mid, JsonNode started, JsonNode ended) {
        ObjectNode m = F.objectNode();
        m.put("id", mid);
        m.put("type", "assistant");
        ObjectNode time = m.putObject("time");
        JsonNode at = started == null ? null : started.get("timestamp");
        time.set("created", at != null ? at : ended == null ? null : ended.get("timestamp"));
        if (started != null) {
            m.set("agent", started.get("agent"));
            m.set("model", started.get("model"));
        }
        m.putArray("content");
        if (ended != null) {
            time.set("completed", ended.get("timestamp"));
            if (ended.has("error")) {
                m.put("finish", "error");
                m.set("error", ended.get("error"));
            } else {
                m.set("finish", ended.get("finish"));
                m.set("tokens", ended.get("tokens"));
                m.set("cost", ended.get("cost"));
            }
        }
        ObjectNode v1 = V2Shapes.message(sid, m);
        return event("message.updated", F.objectNode().put("sessionID", sid).set("info", v1.get("info")));
    }

    private static ObjectNode partUpdated(String sid, String mid, String cid, String kind, String text) {
        ObjectNode c = F.objectNode().put("type", kind).put("id", cid).put("text", text == null ? "" : text);
        return event("message.part.updated", F.objectNode().set("part", V2Shapes.contentPart(sid, mid, c)));
    }

    private static ObjectNode toolPart(String sid, String mid, ObjectNode c) {
        return event("message.part.updated", F.objectNode().set("part", V2Shapes.contentPart(sid, mid, c)));
    }

    /** The v2 stream as the older one: {@code data:} lines of translated events, read as the caller reads. */
    static InputStream stream(InputStream v2) {
        return new ChunkedInputStream() {
            private final SseReader reader = new SseReader(v2);
            private final V2Events translator = new V2Events();

            @Override
            protected byte[] next() throws IOException {
                Event e = reader.next();
                if (e == null) {
                    return null;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                List<ObjectNode> translated;
                try {
                    translated = translator.translate(e.raw());
                } catch (RuntimeException odd) {
                    // an event of a shape not seen before is left out, as the older stream's unknown ones are;
                    // the follow loop asks the server when the stream says too little
                    translated = List.of();
                }
                for (ObjectNode t : translated) {
                    out.write("data: ".getBytes(StandardCharsets.UTF_8));
                    out.write(Json.bytes(t));
                    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                }
                return out.toByteArray();
            }

            @Override
            public void close() throws IOException {
                v2.close();
            }
        };
    }
}

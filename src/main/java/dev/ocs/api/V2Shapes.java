package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.http.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /api} generation's shapes in the older generation's terms, which the rest of ocs reads (one message
 * parser, one follow loop): a session, a message with its parts, a pending request, an event. Pure functions of
 * what 1.18.33 sends (recorded in {@code src/test/resources/captures/v2/}); nothing here asks the server.
 *
 * <p>What v2 does not carry is left out rather than made up: a v2 message has no per-step parts (one
 * {@code step-finish} stands for the message's totals), and the v2 engine neither retries nor reports a status
 * other than running.
 */
final class V2Shapes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** How the v2 engine words an interrupted turn: what the older generation calls an aborted message. */
    static final String INTERRUPTED = "Provider turn interrupted";
    private static final Pattern HTTP_STATUS = Pattern.compile("HTTP (\\d{3})");

    private V2Shapes() {}

    /** SessionV2Info (or the v1-like info a session event carries) as a session: its directory at the top. */
    static ObjectNode session(JsonNode v2) {
        ObjectNode s = v2 != null && v2.isObject() ? ((ObjectNode) v2).deepCopy() : F.objectNode();
        JsonNode t = s.get("tokens");
        if (t != null && t.path("input").asLong() == 0 && t.path("output").asLong() == 0
                && t.path("reasoning").asLong() == 0 && s.path("cost").asDouble() == 0) {
            // 1.18.33 keeps a v2 session's totals at 0 however much its messages spent: the messages' sum counts.
            s.remove("tokens");
            s.remove("cost");
        }
        if (!s.has("directory")) {
            String dir = Json.text(Json.obj(v2, "location"), "directory");
            if (dir != null) {
                s.put("directory", dir);
            }
        }
        return s;
    }

    /** A model reference {@code {id, providerID}} as the older {@code {providerID, modelID}}. */
    private static void model(ObjectNode info, JsonNode ref) {
        if (ref != null && ref.isObject()) {
            if (Json.text(ref, "providerID") != null) {
                info.put("providerID", Json.text(ref, "providerID"));
            }
            if (Json.text(ref, "id") != null) {
                info.put("modelID", Json.text(ref, "id"));
            }
        }
    }

    /**
     * One SessionMessage as {@code {info, parts}}; null for the kinds that are no message in the older sense
     * (agent or model switched, compaction).
     */
    static ObjectNode message(String sid, JsonNode m) {
        String type = Json.text(m, "type");
        String id = Json.text(m, "id");
        if (type == null || id == null) {
            return null;
        }
        ObjectNode out = F.objectNode();
        ObjectNode info = out.putObject("info");
        info.put("id", id);
        info.put("sessionID", sid);
        JsonNode time = m.get("time");
        if (time != null && time.isObject()) {
            info.set("time", time.deepCopy());
        }
        ArrayNode parts = out.putArray("parts");
        switch (type) {
            case "user", "synthetic", "system" -> {
                info.put("role", "user");
                String text = Json.text(m, "text");
                if (text != null) {
                    ObjectNode p = part(parts, sid, id, id + "-text", "text");
                    p.put("text", text);
                    if (!type.equals("user")) {
                        p.put("synthetic", true);
                    }
                }
                JsonNode files = m.get("files");
                if (files != null && files.isArray()) {
                    int i = 0;
                    for (JsonNode f : files) {
                        ObjectNode p = part(parts, sid, id, id + "-file-" + i++, "file");
                        copy(f, p, "mime", "filename", "url");
                    }
                }
            }
            case "shell" -> {
                info.put("role", "assistant");
                ObjectNode p = part(parts, sid, id, id + "-shell", "tool");
                p.put("tool", "bash");
                p.put("callID", Json.text(m, "callID"));
                ObjectNode state = p.putObject("state");
                boolean done = Json.optNum(Json.obj(m, "time"), "completed") != null;
                state.put("status", done ? "completed" : "running");
                state.putObject("input").put("command", Json.text(m, "command"));
                if (Json.text(m, "output") != null) {
                    state.put("output", Json.text(m, "output"));
                }
            }
            case "assistant" -> assistant(sid, m, info, parts);
            default -> {
                return null;
            }
        }
        return out;
    }

    private static void assistant(String sid, JsonNode m, ObjectNode info, ArrayNode parts) {
        String id = info.get("id").asText();
        info.put("role", "assistant");
        copy(m, info, "agent");
        if (Json.text(m, "agent") != null) {
            info.put("mode", Json.text(m, "agent"));
        }
        model(info, m.get("model"));
        copy(m, info, "finish", "cost");
        JsonNode tokens = m.get("tokens");
        if (tokens != null && tokens.isObject()) {
            info.set("tokens", tokens.deepCopy());
        }
        JsonNode error = m.get("error");
        if (error != null && error.isObject()) {
            info.set("error", error(error));
            if ("error".equals(Json.text(m, "finish"))) {
                info.remove("finish"); // the error says how it ended; the older generation has no finish "error"
            }
        }
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) {
            for (JsonNode c : content) {
                ObjectNode p = contentPart(sid, id, c);
                if (p != null) {
                    parts.add(p);
                }
            }
        }
        if (Json.text(m, "finish") != null && !info.has("error")) {
            ObjectNode f = part(parts, sid, id, id + "-finish", "step-finish");
            f.put("reason", Json.text(m, "finish"));
            copy(m, f, "cost");
            if (tokens != null && tokens.isObject()) {
                f.set("tokens", tokens.deepCopy());
            }
        }
    }

    /** One entry of an assistant message's content (text, reasoning, tool) as a part. */
    static ObjectNode contentPart(String sid, String mid, JsonNode c) {
        String type = Json.text(c, "type");
        String cid = Json.text(c, "id");
        if (type == null || cid == null) {
            return null;
        }
        ObjectNode p = F.objectNode();
        p.put("id", partId(mid, cid));
        p.put("sessionID", sid);
        p.put("messageID", mid);
        p.put("type", type);
        switch (type) {
            case "text", "reasoning" -> {
                p.put("text", Json.text(c, "text") == null ? "" : Json.text(c, "text"));
                JsonNode t = c.get("time");
                if (t != null && t.isObject()) {
                    p.putObject("time").set("start", t.get("created"));
                    if (t.has("completed")) {
                        ((ObjectNode) p.get("time")).set("end", t.get("completed"));
                    }
                }
            }
            case "tool" -> {
                p.put("tool", Json.text(c, "name"));
                p.put("callID", cid);
                p.set("state", toolState(c.get("state"), c.get("time")));
            }
            default -> {
                return null;
            }
        }
        return p;
    }

    /** A tool's v2 state (content as a list of text pieces) as the older one (output as one string). */
    static ObjectNode toolState(JsonNode s, JsonNode time) {
        ObjectNode state = F.objectNode();
        String status = Json.text(s, "status");
        state.put("status", status == null ? "pending" : status);
        JsonNode input = s == null ? null : s.get("input");
        state.set("input", input == null ? F.objectNode() : input.deepCopy());
        String output = text(s == null ? null : s.get("content"));
        if ("completed".equals(status)) {
            state.put("output", output == null ? "" : output);
        }
        if ("error".equals(status)) {
            JsonNode e = s.get("error");
            state.put("error", e == null ? "error" : e.isTextual() ? e.asText()
                    : Json.text(e, "message") != null ? Json.text(e, "message") : e.toString());
        }
        if (time != null && time.isObject()) {
            ObjectNode t = state.putObject("time");
            JsonNode start = time.has("ran") ? time.get("ran") : time.get("created");
            if (start != null) {
                t.set("start", start);
            }
            if (time.has("completed")) {
                t.set("end", time.get("completed"));
            }
        }
        return state;
    }

    /** The text pieces of a content list, joined by newlines; null for none. */
    private static String text(JsonNode content) {
        if (content == null || !content.isArray() || content.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : content) {
            if (Json.text(c, "text") != null) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(Json.text(c, "text"));
            }
        }
        return sb.toString();
    }

    /**
     * A v2 error ({@code {type:"unknown", message}}) under the older names the diagnosis knows: an interrupted
     * turn is an aborted message, a provider's HTTP answer an API error with its status.
     */
    static ObjectNode error(JsonNode e) {
        String message = Json.text(e, "message");
        ObjectNode out = F.objectNode();
        ObjectNode data = F.objectNode();
        data.put("message", message == null ? "" : message);
        if (INTERRUPTED.equals(message)) {
            out.put("name", "MessageAbortedError");
        } else {
            Matcher m = HTTP_STATUS.matcher(message == null ? "" : message);
            if (message != null && message.startsWith("Provider request failed") && m.find()) {
                out.put("name", "APIError");
                data.put("statusCode", Integer.parseInt(m.group(1)));
            } else {
                out.put("name", "UnknownError");
            }
        }
        out.set("data", data);
        return out;
    }

    /** Part ids in v2 are per message ({@code text-0} in every one); the older ones are unique in a session. */
    static String partId(String mid, String cid) {
        return mid + "-" + cid;
    }

    private static ObjectNode part(ArrayNode parts, String sid, String mid, String id, String type) {
        ObjectNode p = parts.addObject();
        p.put("id", id);
        p.put("sessionID", sid);
        p.put("messageID", mid);
        p.put("type", type);
        return p;
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            JsonNode v = from == null ? null : from.get(f);
            if (v != null && !v.isNull()) {
                to.set(f, v.deepCopy());
            }
        }
    }

    /** PermissionV2Request as the older permission request. */
    static ObjectNode permission(JsonNode r) {
        ObjectNode p = F.objectNode();
        copy(r, p, "id", "sessionID", "metadata");
        p.put("permission", Json.text(r, "action"));
        p.set("patterns", arrayOr(r.get("resources")));
        p.set("always", arrayOr(r.get("save")));
        JsonNode src = Json.obj(r, "source");
        if (src != null) {
            ObjectNode tool = p.putObject("tool");
            copy(src, tool, "messageID", "callID");
        }
        return p;
    }

    private static JsonNode arrayOr(JsonNode n) {
        return n != null && n.isArray() ? n.deepCopy() : F.arrayNode();
    }

    /** {@code /api/session/active}'s map ({@code {"ses_…":{"type":"running"}}}) as the older status map: busy. */
    static ObjectNode statuses(JsonNode active) {
        ObjectNode out = F.objectNode();
        if (active != null && active.isObject()) {
            active.properties().forEach(e -> out.putObject(e.getKey()).put("type", "busy"));
        }
        return out;
    }

    /**
     * {@code /api/provider} and {@code /api/model} as the older {@code /config/providers}: each provider with its
     * models by id and its base URL; no defaults (v2 names none).
     */
    static ObjectNode providers(JsonNode providers, JsonNode models) {
        ObjectNode out = F.objectNode();
        ArrayNode list = out.putArray("providers");
        Map<String, ObjectNode> byId = new java.util.LinkedHashMap<>();
        if (providers != null && providers.isArray()) {
            for (JsonNode p : providers) {
                String id = Json.text(p, "id");
                if (id == null) {
                    continue;
                }
                ObjectNode q = list.addObject();
                q.put("id", id);
                copy(p, q, "name");
                String url = Json.text(Json.obj(p, "api"), "url");
                if (url != null) {
                    q.putObject("options").put("baseURL", url);
                }
                q.putObject("models");
                byId.put(id, q);
            }
        }
        if (models != null && models.isArray()) {
            for (JsonNode m : models) {
                ObjectNode q = byId.get(Json.text(m, "providerID"));
                String id = Json.text(m, "id");
                if (q != null && id != null) {
                    ObjectNode model = ((ObjectNode) q.get("models")).putObject(id);
                    model.put("id", id);
                    copy(m, model, "name");
                }
            }
        }
        out.putObject("default");
        return out;
    }

    /** Every element of a {@code data} array, or none. */
    static List<JsonNode> data(JsonNode answer) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode d = answer == null ? null : answer.get("data");
        if (d != null && d.isArray()) {
            d.forEach(out::add);
        }
        return out;
    }
}

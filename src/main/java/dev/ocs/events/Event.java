package dev.ocs.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.ocs.http.Json;

/**
 * One server event: {@code {"id","type","properties":{…}}}. {@code data} is the event's JSON text exactly as the
 * server sent it (null when not known).
 */
public record Event(String type, JsonNode properties, JsonNode raw, String data) {

    public Event(String type, JsonNode properties, JsonNode raw) {
        this(type, properties, raw, null);
    }

    Event withData(String text) {
        return new Event(type, properties, raw, text);
    }

    /** The event as one line of JSON: the server's own text when it was one line, else the parsed object. */
    public String jsonLine() {
        if (data != null && data.indexOf('\n') < 0 && data.indexOf('\r') < 0) {
            return data.strip();
        }
        return raw.toString();
    }

    static Event from(JsonNode n) {
        JsonNode payload = n.get("payload");
        if (n.get("type") == null && payload != null && payload.isObject()) {
            n = payload; // the global stream wraps each event: {"directory", "payload": {…}}
        }
        JsonNode props = n.get("properties");
        return new Event(Json.text(n, "type") == null ? "unknown" : Json.text(n, "type"),
                props == null ? NullNode.getInstance() : props, n);
    }

    /** The session an event concerns, wherever this event type keeps it. */
    public String sessionID() {
        String s = Json.text(properties, "sessionID");
        if (s == null) {
            s = Json.text(Json.obj(properties, "info"), "sessionID");
        }
        if (s == null) {
            s = Json.text(Json.obj(properties, "part"), "sessionID");
        }
        return s;
    }
}

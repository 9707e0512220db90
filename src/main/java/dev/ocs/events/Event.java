package dev.ocs.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.ocs.http.Json;

/** One server event: {@code {"id","type","properties":{…}}}. */
public record Event(String type, JsonNode properties, JsonNode raw) {

    static Event from(JsonNode n) {
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

package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

/** A session's entry in {@code GET /session/status}; a session missing from it is idle. */
public record Status(String type, Integer attempt, String message, Long next) {
    public static final Status IDLE = new Status("idle", null, null, null);

    public static Status of(JsonNode all, String sessionID) {
        JsonNode n = all == null ? null : all.get(sessionID);
        if (n == null || !n.isObject()) {
            return IDLE;
        }
        return from(n);
    }

    /** One status object ({@code {"type":"retry","attempt":2,…}}), as an event carries it; no type: unknown. */
    public static Status from(JsonNode n) {
        String type = Json.text(n, "type");
        if (n == null || type == null) {
            return new Status("unknown", null, null, null);
        }
        return new Status(type,
                n.path("attempt").isNumber() ? n.get("attempt").asInt() : null,
                Json.text(n, "message"), Json.optNum(n, "next"));
    }

    /** From a session's newest message, where the server keeps no status: busy while a reply is unfinished. */
    public static Status fromNewest(Message newest) {
        if (newest != null && "assistant".equals(newest.role) && newest.completed == null && newest.error == null) {
            return new Status("busy", null, null, null);
        }
        return IDLE;
    }

    public boolean idle() {
        return "idle".equals(type);
    }

    public boolean retry() {
        return "retry".equals(type);
    }
}

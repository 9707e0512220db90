package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

import java.util.ArrayList;
import java.util.List;

/** A pending request from {@code GET /permission}. */
public record Permission(String id, String sessionID, String permission, List<String> patterns,
                         List<String> always, String messageID, String callID) {

    public static List<Permission> listFrom(JsonNode all) {
        List<Permission> out = new ArrayList<>();
        if (all != null && all.isArray()) {
            for (JsonNode n : all) {
                if (n.isObject()) {
                    out.add(from(n));
                }
            }
        }
        return out;
    }

    public static Permission from(JsonNode n) {
        JsonNode tool = Json.obj(n, "tool");
        return new Permission(Json.text(n, "id"), Json.text(n, "sessionID"),
                Json.text(n, "permission") != null ? Json.text(n, "permission") : Json.text(n, "type"),
                strings(n.get("patterns") != null ? n.get("patterns") : n.get("pattern")), strings(n.get("always")),
                Json.text(tool, "messageID"), Json.text(tool, "callID"));
    }

    public String patternText() {
        return patterns.isEmpty() ? "(no pattern)" : String.join(", ", patterns);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else if (n != null && n.isTextual()) {
            out.add(n.asText());
        }
        return out;
    }
}

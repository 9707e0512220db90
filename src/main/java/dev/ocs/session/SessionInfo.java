package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

/**
 * {@code GET /session/{id}}: what the report's header shows. Totals may be absent on older servers, and the model
 * ({@code provider/model}, the session's last) is there only on newer ones.
 */
public record SessionInfo(String id, String title, String directory, String parentID, String version,
                          Long created, Long updated, Tokens tokens, Double cost, String model) {

    public static SessionInfo from(JsonNode n) {
        JsonNode time = Json.obj(n, "time");
        JsonNode t = Json.obj(n, "tokens");
        return new SessionInfo(Json.text(n, "id"), Json.text(n, "title"), Json.text(n, "directory"),
                Json.text(n, "parentID"), Json.text(n, "version"), Json.optNum(time, "created"),
                Json.optNum(time, "updated"), t == null ? null : Tokens.from(t),
                n.path("cost").isNumber() ? n.get("cost").asDouble() : null, model(Json.obj(n, "model")));
    }

    private static String model(JsonNode m) {
        String provider = Json.text(m, "providerID");
        String id = Json.text(m, "id") != null ? Json.text(m, "id") : Json.text(m, "modelID");
        return provider == null || id == null ? null : provider + "/" + id;
    }
}

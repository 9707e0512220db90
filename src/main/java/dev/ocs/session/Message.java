package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

import java.util.ArrayList;
import java.util.List;

/** One message of a session: its info and its parts (already reduced, see {@link Part}). */
public final class Message {
    public String id;
    public String sessionID;
    public String role;
    public String parentID;
    /** Assistant: who answered. User: the model asked for (info.model). */
    public String providerID;
    public String modelID;
    public String agent;
    public Long created;
    public Long completed;
    public String finish;
    public Tokens tokens = Tokens.ZERO;
    public double cost;
    public MessageError error;
    public final List<Part> parts = new ArrayList<>();

    public boolean isUser() {
        return "user".equals(role);
    }

    public boolean isAssistant() {
        return "assistant".equals(role);
    }

    public String model() {
        if (providerID == null && modelID == null) {
            return null;
        }
        return (providerID == null ? "?" : providerID) + "/" + (modelID == null ? "?" : modelID);
    }

    public Long durationMs() {
        return created != null && completed != null && completed >= created ? completed - created : null;
    }

    /** Any part the model itself produced: non-blank text or reasoning, or a tool call. */
    public boolean modelProduced() {
        return parts.stream().anyMatch(Part::isModelOutput);
    }

    public boolean hasText() {
        return parts.stream().anyMatch(p -> p.type.equals("text") && !p.blank);
    }

    /** The non-blank text parts, joined by blank lines (as the answer reads). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p.type.equals("text") && !p.blank) {
                if (sb.length() > 0) {
                    sb.append("\n\n");
                }
                sb.append(p.text);
            }
        }
        return sb.toString();
    }

    public boolean has(String type) {
        return parts.stream().anyMatch(p -> p.type.equals(type) && (!p.type.equals("reasoning") || !p.blank));
    }

    void info(JsonNode n) {
        id = Json.text(n, "id");
        sessionID = Json.text(n, "sessionID");
        role = Json.text(n, "role");
        parentID = Json.text(n, "parentID");
        agent = Json.text(n, "agent");
        if (agent == null) {
            agent = Json.text(n, "mode");
        }
        JsonNode time = Json.obj(n, "time");
        created = Json.optNum(time, "created");
        completed = Json.optNum(time, "completed");
        if (isUser()) {
            JsonNode model = Json.obj(n, "model");
            providerID = Json.text(model, "providerID");
            modelID = Json.text(model, "modelID");
        } else {
            providerID = Json.text(n, "providerID");
            modelID = Json.text(n, "modelID");
            finish = Json.text(n, "finish");
            tokens = Tokens.from(n.get("tokens"));
            cost = Json.dbl(n, "cost");
            error = MessageError.from(n.get("error"));
        }
    }
}

package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

/** {@code info.error} of an assistant message: its name, message and, for API errors, the HTTP status. */
public record MessageError(String name, String message, Integer statusCode) {

    static MessageError from(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            return new MessageError("UnknownError", n.asText(), null);
        }
        JsonNode data = Json.obj(n, "data");
        String name = Json.text(n, "name");
        if (name == null) {
            name = Json.text(n, "_tag");
        }
        String message = Json.text(data, "message");
        if (message == null) {
            message = Json.text(n, "message");
        }
        Long status = Json.optNum(data, "statusCode");
        return new MessageError(name == null ? "UnknownError" : name, message,
                status == null ? null : status.intValue());
    }

    public boolean aborted() {
        return "MessageAbortedError".equals(name);
    }

    public String describe() {
        StringBuilder sb = new StringBuilder(name);
        if (statusCode != null) {
            sb.append(" (HTTP ").append(statusCode).append(')');
        }
        if (message != null && !message.isBlank()) {
            sb.append(": ").append(message);
        }
        return sb.toString();
    }
}

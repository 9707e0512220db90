package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.OpencodeClient;

/** A one-line summary of a tool call's input: the field that says what it does, else compact JSON. */
public final class ToolInput {
    private static final String[] TELLING = {"command", "filePath", "pattern", "url", "query", "description", "path"};

    private ToolInput() {}

    public static String summary(String tool, JsonNode input, int max) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            return null;
        }
        if (input.isObject()) {
            for (String key : TELLING) {
                JsonNode v = input.get(key);
                if (v != null && v.isTextual() && !v.asText().isBlank()) {
                    String s = v.asText();
                    if (key.equals("pattern") && input.path("path").isTextual()) {
                        s = s + " in " + input.get("path").asText();
                    }
                    return OpencodeClient.oneLine(s, max);
                }
            }
            if (input.isEmpty()) {
                return null;
            }
        }
        String json;
        try {
            json = input.toString();
        } catch (RuntimeException e) {
            // Jackson writes at most 1000 levels; the reader accepts 2000, so a deeper input cannot be shown.
            json = input.isObject() ? "{…}" : input.isArray() ? "[…]" : "…";
        }
        return OpencodeClient.oneLine(json, max);
    }
}

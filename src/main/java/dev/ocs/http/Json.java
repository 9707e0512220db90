package dev.ocs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one tolerant ObjectMapper: unknown fields are ignored, the server adds them often. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(2_000)
                    .build())
            .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {}

    /** Text of a field, or null when missing, null or not a scalar. */
    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    public static long num(JsonNode node, String field) {
        if (node == null) {
            return 0;
        }
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asLong() : 0;
    }

    public static double dbl(JsonNode node, String field) {
        if (node == null) {
            return 0;
        }
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asDouble() : 0;
    }

    /** A long field, or null when missing or not a number (time stamps: absent is not zero). */
    public static Long optNum(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asLong() : null;
    }

    public static JsonNode obj(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v != null && v.isObject() ? v : null;
    }
}

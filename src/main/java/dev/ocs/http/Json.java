package dev.ocs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;

/** The one tolerant ObjectMapper: unknown fields are ignored, the server adds them often. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(2_000)
                    .build())
            .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The longest string, in bytes, read from a server's JSON body; the rest of a longer one is skipped as it
     * streams by and marked ({@link CappedStrings}). Bounds the memory one string can take at any body size.
     */
    public static final int STRING_CAP = 4 << 20;

    private Json() {}

    /** A streaming parser over a server's body, with every string capped at {@link #STRING_CAP} bytes. */
    public static JsonParser parser(InputStream in) throws IOException {
        return MAPPER.createParser(new CappedStrings(in, STRING_CAP));
    }

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

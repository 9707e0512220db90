package dev.ocs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON for ocs. Everything a server sends is read by {@link JsonBytes}; all output is written through
 * {@link #FACTORY} (jackson-core) and the small tree writer here. The
 * databind {@link ObjectMapper} costs tens of milliseconds to set up in a fresh JVM, so it is made only when
 * something asks for {@link #mapper()} (tests, the bench).
 */
public final class Json {
    /** Strings of any length (a tool output can be many MB); nesting capped so hostile input cannot recurse deep. */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(JsonBytes.MAX_DEPTH)
                    .build())
            .build();

    /**
     * The longest string, in bytes, read from a server's JSON body; the rest of a longer one is skipped as it
     * streams by and marked ({@link JsonBytes}). Bounds the memory one string can take at any body size.
     */
    public static final int STRING_CAP = 4 << 20;

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The one tolerant ObjectMapper (unknown fields ignored), made on first use. */
    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /** A whole document as a tree (null for a blank one). Trailing content is an error. */
    public static JsonNode tree(byte[] json) throws IOException {
        return JsonBytes.whole(json);
    }

    public static JsonNode tree(String json) throws IOException {
        return JsonBytes.whole(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes maps, lists, trees, strings, numbers, booleans and null. */
    public static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof JsonNode n) {
            writeNode(g, n);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeString(v.toString());
        }
    }

    private static void writeNode(JsonGenerator g, JsonNode n) throws IOException {
        if (n.isObject()) {
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                g.writeFieldName(e.getKey());
                writeNode(g, e.getValue());
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) {
                writeNode(g, e);
            }
            g.writeEndArray();
        } else if (n.isTextual()) {
            g.writeString(n.textValue());
        } else if (n.isBoolean()) {
            g.writeBoolean(n.booleanValue());
        } else if (n.isIntegralNumber()) {
            if (n.isBigInteger()) {
                g.writeNumber(n.bigIntegerValue());
            } else {
                g.writeNumber(n.longValue());
            }
        } else if (n.isNumber()) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeNull();
        }
    }

    /** A value as compact JSON bytes (request bodies). */
    public static byte[] bytes(Object v) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, v);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Json() {}

    /** Text of a field, or null when missing, null or not a scalar. */
    /** Indented JSON, for a person to read; "…" for a value too deep to write (Jackson writes 1000 levels). */
    public static String pretty(JsonNode n) {
        try {
            return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException | RuntimeException e) {
            return n.isObject() ? "{…}" : n.isArray() ? "[…]" : "…";
        }
    }

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

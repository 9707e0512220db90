package dev.ocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.http.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic damage to recorded server output, for the fuzz tests: byte-level (truncate, cut, insert,
 * flip, duplicate), structural (a value of the wrong type where another belongs, fields dropped, arrays and
 * fields shuffled, subtrees moved), and whole inputs of noise. Every mutation is a pure function of the
 * {@link Random} it is given, so a failing case is reproduced from its seed.
 */
public final class Mutations {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** JSON fragments that do not belong where they land: each kind of wrong type, edge numbers, hostile text. */
    public static final List<String> ODD_VALUES = List.of(
            "null", "true", "false", "0", "-1", "1.5", "1e308", "-1e308", "1e999", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901234567890", "0.0000000000000000001", "[]", "{}",
            "[null]", "[1,\"a\",null,{}]", "{\"x\":{\"y\":[]}}", "\"\"", "\" \"", "\"text\"", "\"0\"", "\"null\"",
            "\"\\u001b[31mred\\u001b[0m \\u001b]0;title\\u0007\"", "\"\\r\\n\\t\\b\\f\\u0000\"",
            "\"\\ud83d\\ude80 \\ud800 \\udfff\"", "\"" + "é".repeat(50) + "\"", "\"../../etc/passwd\"",
            "\"%s %n %d {0}\"", "\"stop\"", "\"length\"", "\"assistant\"", "\"user\"", "\"tool\"", "\"retry\"",
            "\"file\"", "\"patch\"", "\"reasoning\"", "\"text\"", "\"error\"", "\"data:x\"", "\"data:\"");

    private Mutations() {}

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- byte level

    public static byte[] truncate(byte[] in, Random r) {
        return java.util.Arrays.copyOf(in, in.length == 0 ? 0 : r.nextInt(in.length));
    }

    public static byte[] byteLevel(byte[] in, Random r) {
        byte[] b = in;
        int rounds = 1 + r.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            b = switch (r.nextInt(7)) {
                case 0 -> truncate(b, r);
                case 1 -> cut(b, r);
                case 2 -> insert(b, r, randomBytes(r, 1 + r.nextInt(8)));
                case 3 -> insert(b, r, bytes(pick(r, List.of("[", "]", "{", "}", ",", ":", "\"", "\\", "\\u",
                        "null", "-", "0", "1e", ".", "\u00e9", "\ud83d\ude80", "\n", "\u0000", "//", "/*"))));
                case 4 -> flip(b, r);
                case 5 -> duplicate(b, r);
                default -> insert(b, r, bytes(pick(r, ODD_VALUES)));
            };
        }
        return b;
    }

    static byte[] cut(byte[] in, Random r) {
        if (in.length < 2) {
            return in;
        }
        int from = r.nextInt(in.length);
        int to = Math.min(in.length, from + 1 + r.nextInt(Math.max(1, in.length / 8)));
        byte[] out = new byte[in.length - (to - from)];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, to, out, from, in.length - to);
        return out;
    }

    static byte[] insert(byte[] in, Random r, byte[] what) {
        int at = in.length == 0 ? 0 : r.nextInt(in.length + 1);
        byte[] out = new byte[in.length + what.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(in, at, out, at + what.length, in.length - at);
        return out;
    }

    static byte[] flip(byte[] in, Random r) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = in.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            out[r.nextInt(out.length)] = (byte) r.nextInt(256);
        }
        return out;
    }

    static byte[] duplicate(byte[] in, Random r) {
        if (in.length < 2) {
            return in;
        }
        int from = r.nextInt(in.length);
        int to = Math.min(in.length, from + 1 + r.nextInt(200));
        return insert(in, r, java.util.Arrays.copyOfRange(in, from, to));
    }

    public static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Noise that looks a little like JSON: brackets, quotes, keys from the real schema, numbers. */
    public static byte[] jsonish(Random r, int n) {
        List<String> atoms = List.of("[", "]", "{", "}", ",", ":", "\"", "\"info\"", "\"parts\"", "\"type\"",
                "\"text\"", "\"tokens\"", "\"time\"", "\"role\"", "\"assistant\"", "\"error\"", "1", "-0", "1e5",
                "true", "null", " ", "\n", "\\");
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(pick(r, atoms));
        }
        return bytes(sb.toString());
    }

    // ---- structural

    /** A copy of {@code doc} with 1..4 structural mutations. */
    public static JsonNode structural(JsonNode doc, Random r, List<JsonNode> donors) {
        JsonNode root = doc.deepCopy();
        int rounds = 1 + r.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            List<Slot> slots = new ArrayList<>();
            collect(root, slots);
            if (slots.isEmpty()) {
                return oddValue(r);
            }
            Slot s = slots.get(r.nextInt(slots.size()));
            switch (r.nextInt(8)) {
                case 0, 1, 2 -> s.set(oddValue(r));
                case 3 -> s.remove();
                case 4 -> shuffle(s.get(), r);
                case 5 -> {
                    JsonNode donor = donors.get(r.nextInt(donors.size()));
                    List<Slot> ds = new ArrayList<>();
                    collect(donor, ds);
                    if (!ds.isEmpty()) {
                        s.set(ds.get(r.nextInt(ds.size())).get().deepCopy());
                    }
                }
                case 6 -> s.set(wrap(s.get(), r));
                default -> s.set(F.textNode(s.get().toString()));
            }
        }
        return root;
    }

    /** Every array and object in the document shuffled: order must never matter for safety. */
    public static JsonNode shuffled(JsonNode doc, Random r) {
        JsonNode root = doc.deepCopy();
        shuffleAll(root, r);
        return root;
    }

    private static void shuffleAll(JsonNode n, Random r) {
        shuffle(n, r);
        n.forEach(c -> shuffleAll(c, r));
    }

    public static JsonNode oddValue(Random r) {
        return parse(pick(r, ODD_VALUES));
    }

    private static JsonNode wrap(JsonNode n, Random r) {
        if (r.nextBoolean()) {
            return F.arrayNode().add(n);
        }
        ObjectNode o = F.objectNode();
        o.set(r.nextBoolean() ? "value" : "data", n);
        return o;
    }

    private static void shuffle(JsonNode n, Random r) {
        if (n instanceof ArrayNode a) {
            List<JsonNode> items = new ArrayList<>();
            a.forEach(items::add);
            Collections.shuffle(items, r);
            a.removeAll();
            items.forEach(a::add);
        } else if (n instanceof ObjectNode o) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            fields.addAll(o.properties());
            Collections.shuffle(fields, r);
            Map<String, JsonNode> copy = new LinkedHashMap<>();
            fields.forEach(e -> copy.put(e.getKey(), e.getValue()));
            o.removeAll();
            copy.forEach(o::set);
        }
    }

    /** A place in a tree: an object's field or an array's element. */
    private record Slot(JsonNode parent, String field, int index) {
        JsonNode get() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode v) {
            if (field != null) {
                ((ObjectNode) parent).set(field, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }

        void remove() {
            if (field != null) {
                ((ObjectNode) parent).remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    private static void collect(JsonNode n, List<Slot> out) {
        if (n instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                out.add(new Slot(o, k, -1));
                collect(o.get(k), out);
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i));
                collect(a.get(i), out);
            }
        }
    }

    // ---- pathological documents

    public static byte[] deepArrays(int depth) {
        return bytes("[".repeat(depth) + "]".repeat(depth));
    }

    public static byte[] openArrays(int depth) {
        return bytes("[".repeat(depth));
    }

    public static byte[] deepObjects(int depth) {
        return bytes("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
    }

    /** Nesting placed where the reader materialises a node: inside a message's info, or a part. */
    public static String nestedIn(String where, int depth) {
        String deep = "[".repeat(depth) + "]".repeat(depth);
        return switch (where) {
            case "info" -> "[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\",\"x\":" + deep + "},\"parts\":[]}]";
            case "part" -> "[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"},\"parts\":[" + deep + "]}]";
            case "tool-input" -> "[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"},\"parts\":[{\"type\":\"tool\","
                    + "\"tool\":\"bash\",\"state\":{\"status\":\"error\",\"input\":{\"x\":" + deep + "}}}]}]";
            default -> throw new IllegalArgumentException(where);
        };
    }

    public static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }
}

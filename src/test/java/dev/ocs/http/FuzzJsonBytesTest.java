package dev.ocs.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.Fixtures;
import dev.ocs.Mutations;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte reader against Jackson, on thousands of random documents handed out in random small pieces (so every
 * string, escape and character also falls across a buffer's end): the same trees; strings longer than the cap keep
 * a prefix of whole characters and a marker that counts exactly the bytes skipped; a string kept only in part has
 * the start {@code substring} gives (less half a pair) and the length and blankness of the whole. Damaged input ends in a
 * {@link JsonBytes.Malformed} or a tree, never in another exception.
 */
class FuzzJsonBytesTest {
    static final Pattern MARKER = Pattern.compile(" … \\[ocs skipped (\\d+) bytes]$");
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Hands out the bytes in random small pieces, as a network does. */
    static InputStream choppy(byte[] b, Random r) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] out, int off, int len) {
                return super.read(out, off, Math.min(len, 1 + r.nextInt(r.nextBoolean() ? 9 : 200)));
            }
        };
    }

    static String randomString(Random r) {
        String alphabet = "abc XYZ 019\"\\/\n\t\r\u0000\u001f\u007f\u0085\u00a0é€\u2028\u3000\ud83d\ude80";
        StringBuilder sb = new StringBuilder();
        boolean blankish = r.nextInt(5) == 0;
        int n = r.nextInt(4) == 0 ? r.nextInt(400) : r.nextInt(40);
        for (int i = 0; i < n; i++) {
            char c = blankish && i < n - 1 ? " \u2028\u3000\t\n".charAt(r.nextInt(5))
                    : r.nextInt(3) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) ('a' + r.nextInt(26));
            if (Character.isHighSurrogate(c)) {
                sb.append("\ud83d\ude80");
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static JsonNode randomDoc(Random r, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(3) : r.nextInt(5);
        switch (kind) {
            case 0 -> {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    o.set(r.nextInt(4) == 0 ? randomString(r) : "k" + i, randomDoc(r, depth + 1));
                }
                return o;
            }
            case 1 -> {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(randomDoc(r, depth + 1));
                }
                return a;
            }
            case 2 -> {
                return F.textNode(randomString(r));
            }
            case 3 -> {
                return switch (r.nextInt(5)) {
                    case 0 -> F.numberNode(r.nextInt());
                    case 1 -> F.numberNode(r.nextLong());
                    case 2 -> F.numberNode(new java.math.BigInteger(70 + r.nextInt(100), r).negate());
                    case 3 -> F.numberNode(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
                    default -> F.numberNode(r.nextInt(3) - 1);
                };
            }
            default -> {
                return r.nextBoolean() ? F.booleanNode(r.nextBoolean()) : F.nullNode();
            }
        }
    }

    static String write(JsonNode doc, Random r, boolean ascii) throws IOException {
        return ascii ? Json.mapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(doc)
                : r.nextBoolean() ? Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc)
                : Json.mapper().writeValueAsString(doc);
    }

    static JsonNode read(byte[] json, int cap, Random r) throws IOException {
        return new JsonBytes(choppy(json, r), cap).value(0);
    }

    @Test
    void readsTheTreesJacksonReads() throws IOException {
        Random r = new Random(0xB17E5L);
        for (int i = 0; i < 3000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            String json = write(randomDoc(c, 0), c, c.nextBoolean());
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertEquals(Json.mapper().readTree(b), read(b, Json.STRING_CAP, c), "seed " + seed + ":\n" + json);
        }
        for (String name : List.of("normal.messages.json", "reasoning-length.messages.json", "permission-list.json",
                "session-status.json", "recorded/big-reply.messages.json")) {
            byte[] b = Fixtures.read(name).getBytes(StandardCharsets.UTF_8);
            assertEquals(Json.mapper().readTree(b), read(b, Json.STRING_CAP, r), name);
        }
    }

    @Test
    void stringsPastTheCapKeepWholeCharactersAndCountWhatIsSkipped() throws IOException {
        Random r = new Random(0xCA9L);
        int cut = 0;
        for (int i = 0; i < 3000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            JsonNode doc = randomDoc(c, 0);
            boolean ascii = c.nextBoolean();
            String json = write(doc, c, ascii);
            int cap = 3 + c.nextInt(60);
            JsonNode got = read(json.getBytes(StandardCharsets.UTF_8), cap, c);
            try {
                cut += assertCapped(doc, got, cap, ascii);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", cap " + cap + ":\n" + json + "\n" + got, e);
            }
        }
        assertTrue(cut > 1000, "strings were cut: " + cut);
    }

    /** {@code got} is {@code want} with every string capped as promised; returns how many were cut. */
    static int assertCapped(JsonNode want, JsonNode got, int cap, boolean ascii) {
        int cut = 0;
        if (want.isTextual()) {
            assertTrue(got.isTextual(), got.toString());
            cut += checkString(want.asText(), got.asText(), cap, ascii);
        } else if (want.isContainerNode()) {
            assertEquals(want.getNodeType(), got.getNodeType());
            assertEquals(want.size(), got.size(), "the same number of fields or elements");
            if (want.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> w = want.properties().iterator();
                Iterator<Map.Entry<String, JsonNode>> g = got.properties().iterator();
                while (w.hasNext()) {
                    Map.Entry<String, JsonNode> a = w.next();
                    Map.Entry<String, JsonNode> b = g.next();
                    cut += checkString(a.getKey(), b.getKey(), cap, ascii);
                    cut += assertCapped(a.getValue(), b.getValue(), cap, ascii);
                }
            } else {
                for (int i = 0; i < want.size(); i++) {
                    cut += assertCapped(want.get(i), got.get(i), cap, ascii);
                }
            }
        } else {
            assertEquals(want, got);
        }
        return cut;
    }

    static int checkString(String want, String got, int cap, boolean ascii) {
        byte[] raw = encoded(want, ascii);
        if (raw.length <= cap) {
            assertEquals(want, got);
            return 0;
        }
        Matcher m = MARKER.matcher(got);
        assertTrue(m.find(), "a long string ends with the marker: " + got);
        String kept = got.substring(0, m.start());
        assertTrue(want.startsWith(kept), "a prefix of whole characters is kept:\n" + want + "\n" + kept);
        assertFalse(!kept.isEmpty() && Character.isHighSurrogate(kept.charAt(kept.length() - 1)), "no half pair");
        int keptRaw = encoded(kept, ascii).length;
        assertTrue(keptRaw <= cap && keptRaw > cap - 12, "kept " + keptRaw + " bytes, cap " + cap);
        assertEquals(raw.length - keptRaw, Long.parseLong(m.group(1)), "the marker counts the bytes skipped");
        return 1;
    }

    /** A string's bytes between the quotes, as the writer encoded it. */
    static byte[] encoded(String s, boolean ascii) {
        try {
            byte[] b = write(F.textNode(s), new Random(0), ascii).getBytes(StandardCharsets.UTF_8);
            return Arrays.copyOfRange(b, 1, b.length - 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aStringKeptInPartHasItsStartAndTheLengthAndBlanknessOfTheWhole() throws IOException {
        Random r = new Random(0x5747L);
        int partial = 0;
        int blank = 0;
        for (int i = 0; i < 20_000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            String s = randomString(c);
            boolean ascii = c.nextBoolean();
            int keep = c.nextInt(3) == 0 ? 0 : c.nextInt(s.length() + 2);
            byte[] json = ("[" + write(F.textNode(s), c, ascii) + "]").getBytes(StandardCharsets.UTF_8);
            JsonBytes j = new JsonBytes(choppy(json, c));
            j.expect('[');
            JsonNode got = j.string(keep, 1);
            j.expect(']');
            String what = "seed " + seed + ", keep " + keep + ": " + write(F.textNode(s), c, true);
            if (s.length() <= keep) {
                assertEquals(F.textNode(s), got, what);
            } else {
                JsonBytes.LongText t = assertInstanceOf(JsonBytes.LongText.class, got, what);
                boolean split = keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1));
                assertEquals(s.substring(0, split ? keep - 1 : keep), t.textValue(), what + " (never half a pair)");
                assertEquals(s.length(), t.chars, what);
                assertEquals(s.isBlank(), t.blank, what);
                partial++;
                blank += t.blank ? 1 : 0;
            }
        }
        assertTrue(partial > 5000 && blank > 100, partial + " kept in part, " + blank + " of them blank");
    }

    @Test
    void whatIsNotJsonIsRefused() {
        List<String> bad = List.of("", "[", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\" 1}", "{\"a\":}", "{a:1}",
                "01", "-", "1.", ".5", "+1", "1e", "1e+", "tru", "nul", "[truex]", "\"abc", "\"a\\x\"", "\"\\u12G4\"",
                "\"\\u12\"", "\"a\nb\"", "\"a\u0001b\"", "'a'", "[1 2]", "{\"a\":1 \"b\":2}", "]", "}",
                "1".repeat(1001), new String(Mutations.openArrays(JsonBytes.MAX_DEPTH + 1), StandardCharsets.UTF_8),
                new String(Mutations.deepArrays(JsonBytes.MAX_DEPTH + 1), StandardCharsets.UTF_8));
        for (String json : bad) {
            assertThrows(JsonBytes.Malformed.class, () -> JsonBytes.tree(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))), json);
        }
    }

    @Test
    void nestingUpToTheLimitIsRead() throws IOException {
        JsonNode n = JsonBytes.tree(new ByteArrayInputStream(Mutations.deepArrays(JsonBytes.MAX_DEPTH)));
        for (int i = 1; i < JsonBytes.MAX_DEPTH; i++) {
            n = n.get(0);
        }
        assertTrue(n.isArray() && n.isEmpty());
    }

    @Test
    void damagedInputEndsInATreeOrMalformedNeverAnotherException() throws IOException {
        Random r = new Random(11);
        int refused = 0;
        byte[] base = Fixtures.read("normal.messages.json").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5000; i++) {
            byte[] in = i % 2 == 0 ? Mutations.byteLevel(base, r) : i % 4 == 1 ? Mutations.jsonish(r, r.nextInt(300))
                    : Mutations.randomBytes(r, r.nextInt(300));
            try {
                read(in, 1 + r.nextInt(100), r);
            } catch (JsonBytes.Malformed e) {
                assertFalse(e.getOriginalMessage().isBlank());
                refused++;
            }
        }
        assertTrue(refused > 2000, "refused " + refused);
    }

    @Test
    void invalidUtf8BecomesReplacementCharactersAndNeverSwallowsAQuote() throws IOException {
        byte[] json = {'[', '"', 'a', (byte) 0xE2, (byte) 0x82, '"', ',', '"', (byte) 0xFF, 'b', '"', ']'};
        JsonNode n = JsonBytes.tree(new ByteArrayInputStream(json));
        assertEquals("a\uFFFD", n.get(0).textValue());
        assertEquals("\uFFFDb", n.get(1).textValue());
    }
}

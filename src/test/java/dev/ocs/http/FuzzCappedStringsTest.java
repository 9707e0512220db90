package dev.ocs.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.Mutations;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The string cap keeps documents valid JSON: strings within the cap pass unchanged, longer ones keep a prefix of
 * whole characters and escapes and end with the marker, which counts exactly the bytes skipped. Checked on
 * thousands of random documents read in random chunk sizes, and on damaged input (which it must pass through
 * without failing itself).
 */
class FuzzCappedStringsTest {
    static final Pattern MARKER = Pattern.compile(" … \\[ocs skipped (\\d+) bytes]$");
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static int cut;

    /** Hands out the bytes in random small pieces, as a network does. */
    static InputStream choppy(byte[] b, Random r) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] out, int off, int len) {
                return super.read(out, off, Math.min(len, 1 + r.nextInt(64)));
            }
        };
    }

    static byte[] capped(byte[] in, int cap, Random r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream s = new CappedStrings(choppy(in, r), cap)) {
            byte[] buf = new byte[1 + r.nextInt(300)];
            int n;
            while ((n = r.nextInt(10) == 0 ? single(s, buf) : s.read(buf, 0, 1 + r.nextInt(buf.length))) != -1) {
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static int single(InputStream s, byte[] buf) throws IOException {
        int b = s.read();
        if (b < 0) {
            return -1;
        }
        buf[0] = (byte) b;
        return 1;
    }

    static String randomString(Random r) {
        String alphabet = "abc XYZ 019\"\\/\n\t\r\u0000\u001f\u007fé€\u2028\ud83d\ude80";
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(4) == 0 ? r.nextInt(400) : r.nextInt(40);
        for (int i = 0; i < n; i++) {
            char c = alphabet.charAt(r.nextInt(alphabet.length()));
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
                    o.set("k" + i, randomDoc(r, depth + 1)); // short: names capped alike could collide
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
                return F.numberNode(r.nextLong());
            }
            default -> {
                return r.nextBoolean() ? F.booleanNode(r.nextBoolean()) : F.nullNode();
            }
        }
    }

    /** {@code got} is {@code want} with every string capped as promised. */
    static void assertCapped(JsonNode want, JsonNode got, int cap, boolean asciiEscapes) {
        if (want.isTextual()) {
            assertTrue(got.isTextual(), got.toString());
            checkString(want.asText(), got.asText(), cap, asciiEscapes);
        } else if (want.isObject()) {
            assertTrue(got.isObject(), got.toString());
            assertEquals(want.size(), got.size(), "one field per field (names capped alike)");
            Iterator<Map.Entry<String, JsonNode>> w = want.properties().iterator();
            Iterator<Map.Entry<String, JsonNode>> g = got.properties().iterator();
            while (w.hasNext()) {
                Map.Entry<String, JsonNode> a = w.next();
                Map.Entry<String, JsonNode> b = g.next();
                checkString(a.getKey(), b.getKey(), cap, asciiEscapes);
                assertCapped(a.getValue(), b.getValue(), cap, asciiEscapes);
            }
        } else if (want.isArray()) {
            assertTrue(got.isArray(), got.toString());
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) {
                assertCapped(want.get(i), got.get(i), cap, asciiEscapes);
            }
        } else {
            assertEquals(want, got);
        }
    }

    static void checkString(String want, String got, int cap, boolean asciiEscapes) {
        byte[] raw = encoded(want, asciiEscapes);
        if (raw.length <= cap + 5) {
            // within the cap (or cut only inside the last escape or character): whole
            if (raw.length <= cap) {
                assertEquals(want, got);
            }
            if (got.equals(want)) {
                return;
            }
        }
        Matcher m = MARKER.matcher(got);
        assertTrue(m.find(), "a long string ends with the marker: " + got);
        cut++;
        String kept = got.substring(0, m.start());
        assertTrue(want.startsWith(kept), "a prefix of whole characters is kept:\n" + want + "\n" + kept);
        byte[] keptRaw = encoded(kept, asciiEscapes);
        assertTrue(keptRaw.length >= cap && keptRaw.length <= cap + 5, "kept " + keptRaw.length + ", cap " + cap);
        assertEquals(raw.length - keptRaw.length, Long.parseLong(m.group(1)), "the marker counts the bytes skipped");
    }

    /** A string's bytes between the quotes, as the writer encoded it. */
    static byte[] encoded(String s, boolean asciiEscapes) {
        try {
            String json = asciiEscapes ? Json.mapper().writer().with(
                    com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(s)
                    : Json.mapper().writeValueAsString(s);
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            return java.util.Arrays.copyOfRange(b, 1, b.length - 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The eight-at-a-time scan finds exactly the byte a plain loop finds, at every offset and length. */
    @Test
    void theWordScanAgreesWithAByteLoop() {
        Random r = new Random(0x5CA9L);
        byte[] alphabet = {'"', '\\', '\n', 'a', ' ', 0, 1, (byte) 0x80, (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, 0x21, 0x23,
                0x5B, 0x5D, 0x0B, 0x09};
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[1 + r.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                // mostly plain bytes, so runs of 8 and more occur
                b[k] = r.nextInt(6) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) (0x20 + r.nextInt(0x60));
            }
            int from = r.nextInt(b.length);
            int limit = from + r.nextInt(b.length - from + 1);
            for (boolean inString : new boolean[] {false, true}) {
                int expected = from;
                while (expected < limit && !(b[expected] == '"'
                        || inString && (b[expected] == '\\' || b[expected] == '\n'))) {
                    expected++;
                }
                assertEquals(expected, CappedStrings.plain(b, from, limit, inString), "case " + i);
            }
        }
    }

    @Test
    void randomDocumentsStayValidAndStringsAreCappedExactly() throws IOException {
        cut = 0;
        Random r = new Random(0xCA9L);
        for (int i = 0; i < 3000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            JsonNode doc = randomDoc(c, 0);
            boolean ascii = c.nextBoolean();
            String json = ascii ? Json.mapper().writer().with(
                    com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(doc)
                    : (c.nextBoolean() ? Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc)
                    : Json.mapper().writeValueAsString(doc));
            int cap = 3 + c.nextInt(60);
            byte[] out = capped(json.getBytes(StandardCharsets.UTF_8), cap, c);
            JsonNode back;
            try {
                back = Json.mapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("seed " + seed + ", cap " + cap + ": not JSON any more:\n" + json + "\n"
                        + new String(out, StandardCharsets.UTF_8), e);
            }
            try {
                assertCapped(doc, back, cap, ascii);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", cap " + cap + ":\n" + json + "\n"
                        + new String(out, StandardCharsets.UTF_8), e);
            }
        }
        assertTrue(cut > 1000, "strings were cut: " + cut);
    }

    @Test
    void shortStringsAndEverythingOutsideStringsPassUnchanged() throws IOException {
        Random r = new Random(7);
        for (String name : new String[] {"normal.messages.json", "reasoning-length.messages.json",
                "permission-list.json", "session-status.json", "tool-permission-approved.events.sse"}) {
            byte[] b = dev.ocs.Fixtures.read(name).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(b, capped(b, Json.STRING_CAP, r), name);
        }
    }

    @Test
    void damagedInputPassesThroughWithoutFailing() throws IOException {
        Random r = new Random(11);
        byte[] base = dev.ocs.Fixtures.read("normal.messages.json").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2000; i++) {
            byte[] in = i % 2 == 0 ? Mutations.byteLevel(base, r) : Mutations.randomBytes(r, r.nextInt(2000));
            byte[] out = capped(in, 1 + r.nextInt(100), r);
            assertTrue(out.length <= in.length + 40L * in.length, "bounded output");
        }
    }
}

package dev.ocs.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.Fixtures;
import dev.ocs.Mutations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The event-stream reader cannot be crashed: the recorded stream damaged byte by byte, line by line and event by
 * event, noise, deep nesting and over-long lines give events or skipped lines and then the end, never an
 * exception. Metamorphic checks: comments and unknown fields between events, CRLF line ends and a shuffled
 * event order change nothing about which events are read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuzzSseTest {
    static final String RECORDED = Fixtures.read("tool-permission-approved.events.sse");
    static final List<String> BLOCKS = blocks(RECORDED);
    static final List<JsonNode> EVENTS = new ArrayList<>();
    static int cases;
    static int events;
    static int skipped;
    static final long STARTED = System.nanoTime();

    static {
        for (String b : BLOCKS) {
            EVENTS.add(Mutations.parse(b.substring("data: ".length())));
        }
    }

    static List<String> blocks(String stream) {
        List<String> out = new ArrayList<>();
        for (String b : stream.split("\n\n")) {
            if (!b.isBlank()) {
                out.add(b.strip());
            }
        }
        return out;
    }

    /** Reads a whole stream; anything but events, skips and the end fails with the seed. */
    static List<Event> read(String kind, long seed, byte[] stream, int cap) {
        cases++;
        SseReader r = new SseReader(new ByteArrayInputStream(stream), cap);
        List<Event> out = new ArrayList<>();
        try {
            Event e;
            while ((e = r.next()) != null) {
                assertNotNull(e.type());
                assertNotNull(e.properties());
                assertTrue(e.raw().isObject());
                e.sessionID();
                out.add(e);
                assertTrue(out.size() <= stream.length, "ends");
            }
        } catch (Throwable t) {
            fail(kind + " case, seed " + seed + ": " + t + "\n" + preview(stream), t);
        }
        events += out.size();
        skipped += r.skipped();
        return out;
    }

    static String preview(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 800), StandardCharsets.UTF_8).replace("\n", "\\n");
        return s + (b.length > 800 ? "… (" + b.length + " bytes)" : "");
    }

    static List<JsonNode> raws(List<Event> es) {
        List<JsonNode> out = new ArrayList<>();
        es.forEach(e -> out.add(e.raw()));
        return out;
    }

    @Test
    void theRecordedStreamReadsWhole() {
        List<Event> es = read("recorded", 0, Mutations.bytes(RECORDED), SseReader.LINE_CAP);
        assertEquals(EVENTS, raws(es));
    }

    @Test
    void byteLevelDamage() {
        Random r = new Random(0x55E1);
        byte[] base = Mutations.bytes(RECORDED);
        for (int i = 0; i < 2500; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            byte[] s = c.nextInt(5) == 0 ? Mutations.truncate(base, c) : Mutations.byteLevel(base, c);
            read("byte-level", seed, s, c.nextBoolean() ? SseReader.LINE_CAP : 1 + c.nextInt(2000));
        }
    }

    @Test
    void lineLevelDamage() {
        Random r = new Random(0x55E2);
        List<String> lines = List.of(RECORDED.split("\n", -1));
        List<String> garbage = List.of("data:", "data: ", "data:{", "data: null", "data: []", "data: 1",
                "data: \"x\"", "data: {\"type\":", ":", ": ping", "event: message", "id: 1", "retry: 10", "data",
                "dat", "DATA: {}", "\r", " data: {}", "data: {\"type\":{},\"properties\":[]}",
                "data: {\"properties\":{\"sessionID\":{},\"info\":\"x\",\"part\":7}}");
        for (int i = 0; i < 2000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            List<String> ls = new ArrayList<>(lines);
            for (int k = 1 + c.nextInt(6); k > 0; k--) {
                int at = c.nextInt(ls.size());
                switch (c.nextInt(6)) {
                    case 0 -> ls.remove(at);
                    case 1 -> ls.add(at, ls.get(c.nextInt(ls.size())));
                    case 2 -> ls.add(at, Mutations.pick(c, garbage));
                    case 3 -> Collections.swap(ls, at, c.nextInt(ls.size()));
                    case 4 -> ls.set(at, ls.get(at) + "\r");
                    default -> ls.add(at, new String(Mutations.randomBytes(c, c.nextInt(50)),
                            StandardCharsets.ISO_8859_1));
                }
            }
            read("line-level", seed, Mutations.bytes(String.join("\n", ls)), SseReader.LINE_CAP);
        }
    }

    @Test
    void eventsOfTheWrongShape() {
        Random r = new Random(0x55E3);
        for (int i = 0; i < 2000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 1 + c.nextInt(8); k++) {
                JsonNode e = EVENTS.get(c.nextInt(EVENTS.size()));
                sb.append("data: ").append(Mutations.structural(e, c, EVENTS)).append("\n\n");
            }
            read("structural", seed, Mutations.bytes(sb.toString()), SseReader.LINE_CAP);
        }
    }

    @Test
    void noiseDeepNestingAndOverlongLines() {
        Random r = new Random(0x55E4);
        for (int i = 0; i < 1000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            byte[] s = i % 2 == 0 ? Mutations.randomBytes(c, c.nextInt(4000)) : Mutations.jsonish(c, c.nextInt(4000));
            read("noise", seed, s, c.nextBoolean() ? SseReader.LINE_CAP : 1 + c.nextInt(100));
        }
        String ok = "data: {\"type\":\"ok\",\"properties\":{}}\n\n";
        for (String deep : List.of("[".repeat(100_000), "{\"a\":".repeat(100_000), "[".repeat(1_999) + "]".repeat(1_999),
                "{\"type\":\"x\",\"properties\":" + "[".repeat(2_500) + "]".repeat(2_500) + "}")) {
            List<Event> es = read("deep", 0, Mutations.bytes(ok + "data: " + deep + "\n\n" + ok), SseReader.LINE_CAP);
            assertEquals(2, es.stream().filter(e -> e.type().equals("ok")).count(), "the stream goes on after it");
        }
        // A line past the cap is skipped and counted, in bounded memory, and the stream goes on.
        String big = "data: {\"type\":\"big\",\"properties\":{\"text\":\"" + "x".repeat(SseReader.LINE_CAP) + "\"}}\n\n";
        List<Event> es = read("over-long", 0, Mutations.bytes(ok + big + ok), SseReader.LINE_CAP);
        assertEquals(List.of("ok", "ok"), es.stream().map(Event::type).toList());
        // Only blank lines, only CRs, nothing at all, no final newline.
        for (String s : List.of("", "\n", "\n\n\n\n", "\r\r\r\r", "\r\n\r\n", "data: {\"type\":\"last\"}",
                "data: {\"type\":\"a\"}\rdata: {\"type\":\"b\"}\r\r")) {
            read("edge", 0, Mutations.bytes(s), SseReader.LINE_CAP);
        }
    }

    /** Comments, event/id/retry fields and unknown lines between events change nothing. */
    @Test
    void commentsAndFieldsBetweenEventsAreIgnored() {
        Random r = new Random(0x55E5);
        for (int i = 0; i < 300; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            StringBuilder sb = new StringBuilder();
            for (String b : BLOCKS) {
                for (int k = c.nextInt(3); k > 0; k--) {
                    sb.append(Mutations.pick(c, List.of(": keep-alive", ":", "event: message", "id: evt_1",
                            "retry: 3000", "x-unknown: 1", "data"))).append('\n');
                }
                sb.append(b).append('\n');
                for (int k = c.nextInt(3); k > 0; k--) {
                    sb.append(Mutations.pick(c, List.of(": comment", "id: 2", "event: x"))).append('\n');
                }
                sb.append('\n');
            }
            String text = c.nextBoolean() ? sb.toString().replace("\n", "\r\n") : sb.toString();
            assertEquals(EVENTS, raws(read("fields", seed, Mutations.bytes(text), SseReader.LINE_CAP)),
                    "seed " + seed);
        }
    }

    @Test
    void shuffledEventsAreAllRead() {
        Random r = new Random(0x55E6);
        List<String> sortedWant = new ArrayList<>();
        EVENTS.forEach(e -> sortedWant.add(e.toString()));
        Collections.sort(sortedWant);
        for (int i = 0; i < 300; i++) {
            long seed = r.nextLong();
            List<String> bs = new ArrayList<>(BLOCKS);
            Collections.shuffle(bs, new Random(seed));
            List<String> got = new ArrayList<>();
            read("shuffled", seed, Mutations.bytes(String.join("\n\n", bs)), SseReader.LINE_CAP)
                    .forEach(e -> got.add(e.raw().toString()));
            Collections.sort(got);
            assertEquals(sortedWant, got, "seed " + seed);
        }
    }

    /** A stream that breaks off (an I/O error mid-line) surfaces as IOException, for EventFeed to reconnect. */
    @Test
    void aStreamThatBreaksIsAnIOExceptionNotAnotherFailure() {
        byte[] base = Mutations.bytes(RECORDED);
        Random r = new Random(0x55E7);
        for (int i = 0; i < 200; i++) {
            int at = r.nextInt(base.length);
            InputStream in = new ByteArrayInputStream(base, 0, at) {
                @Override
                public synchronized int read() {
                    int b = super.read();
                    if (b < 0) {
                        throw new java.io.UncheckedIOException(new IOException("reset"));
                    }
                    return b;
                }
            };
            SseReader reader = new SseReader(new InputStream() {
                @Override
                public int read() throws IOException {
                    try {
                        return in.read();
                    } catch (java.io.UncheckedIOException e) {
                        throw e.getCause();
                    }
                }
            });
            try {
                drain(reader);
                fail("the break was not reported");
            } catch (IOException expected) {
                cases++;
            } catch (RuntimeException e) {
                fail("break at " + at + ": " + e, e);
            }
        }
    }

    static int drain(SseReader reader) throws IOException {
        int n = 0;
        while (reader.next() != null) {
            n++;
        }
        return n;
    }

    @AfterAll
    static void summary() {
        System.out.printf("FuzzSseTest: %d streams (%d events read, %d lines or events skipped) in %.1f s%n", cases,
                events, skipped, (System.nanoTime() - STARTED) / 1e9);
    }
}

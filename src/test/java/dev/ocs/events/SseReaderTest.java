package dev.ocs.events;

import dev.ocs.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SseReaderTest {
    static List<Event> all(String text, int cap) throws IOException {
        SseReader r = new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), cap);
        List<Event> out = new ArrayList<>();
        Event e;
        while ((e = r.next()) != null) {
            out.add(e);
        }
        return out;
    }

    @Test
    void readsTheRecordedStream() throws IOException {
        List<Event> events = all(Fixtures.read("tool-permission-approved.events.sse"), SseReader.LINE_CAP);
        assertEquals(44, events.size());
        assertEquals("server.connected", events.get(0).type());
        assertEquals(1, events.stream().filter(e -> e.type().equals("permission.asked")).count());
        Event asked = events.stream().filter(e -> e.type().equals("permission.asked")).findFirst().orElseThrow();
        assertEquals("ses_df6038b36ffeTAMkeq8XVlokER", asked.sessionID());
        Event part = events.stream().filter(e -> e.type().equals("message.part.updated")).findFirst().orElseThrow();
        assertEquals("ses_df6038b36ffeTAMkeq8XVlokER", part.sessionID());
    }

    /** {@code /global/event} as 1.14.48 sent it: each event inside {@code payload}, beside its directory. */
    @Test
    void unwrapsTheGlobalStreamsPayload() throws IOException {
        List<Event> events = all("data: {\"payload\":{\"id\":\"evt_1\",\"type\":\"server.connected\",\"properties\":{}}}\n\n"
                + "data: {\"directory\":\"/home/dev/p\",\"payload\":{\"type\":\"permission.asked\",\"properties\":"
                + "{\"id\":\"per_1\",\"sessionID\":\"ses_1\"}}}\n\n", SseReader.LINE_CAP);
        assertEquals(List.of("server.connected", "permission.asked"), events.stream().map(Event::type).toList());
        assertEquals("ses_1", events.get(1).sessionID());
    }

    @Test
    void skipsGarbageOverlongLinesAndComments() throws IOException {
        String text = ": keep-alive\n\ndata: not json\n\ndata: {\"type\":\"a\",\"properties\":{}}\n\n"
                + "data: " + "x".repeat(100) + "\n\nevent: message\nid: 7\r\ndata: {\"type\":\"b\",\r\n"
                + "data: \"properties\":{\"sessionID\":\"ses_1\"}}\r\n\r\ndata: [1,2]\n\ndata: {\"type\":\"c\"}";
        SseReader r = new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 50);
        assertEquals("a", r.next().type());
        Event b = r.next();
        assertEquals("b", b.type());
        assertEquals("ses_1", b.sessionID());
        assertEquals("c", r.next().type(), "the last event needs no blank line after it");
        assertNull(r.next());
        assertEquals(3, r.skipped(), "not json, too long, not an object");
    }

    @Test
    void anEventOverTheCapIsDroppedWholeNotSplit() throws IOException {
        // Each of its lines alone would read as an event: none may come out of it.
        String text = "data: {\"type\":\"first\"}\n" + "data: " + "x".repeat(100) + "\n" + "data: {\"type\":\"tail\"}\n\n"
                + "data: {\"type\":\"a\",\"properties\":{\"p\":\"0123456789\"}}\n".repeat(3) + "\n"
                + "data: {\"type\":\"next\"}\n\n";
        SseReader r = new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 60);
        assertEquals("next", r.next().type(), "a long line, then several lines that add up past the cap: both dropped");
        assertNull(r.next());
        assertEquals(2, r.skipped());
    }
}

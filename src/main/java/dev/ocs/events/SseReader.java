package dev.ocs.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.BoundedLines;
import dev.ocs.http.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a server-sent event stream: {@code data:} lines up to a blank line make one event. An event longer than
 * the cap is dropped whole (counted, not an error; never split into pieces that could read as events), and data
 * that is not a JSON object is skipped too, so one bad event never ends the stream.
 */
public final class SseReader {
    public static final int LINE_CAP = 16 * 1024 * 1024;

    private final BoundedLines lines;
    private final int cap;
    private final StringBuilder data = new StringBuilder();
    /** The event being read went over the cap: the rest of it is ignored up to its blank line. */
    private boolean dropping;
    private int skipped;

    public SseReader(InputStream in) {
        this(in, LINE_CAP);
    }

    SseReader(InputStream in, int cap) {
        this.lines = new BoundedLines(in, cap);
        this.cap = cap;
    }

    /** The next event, or null at the end of the stream. */
    public Event next() throws IOException {
        while (true) {
            String l = readLine();
            if (l == null) {
                return data.length() > 0 && !dropping ? flushWithText() : null;
            }
            if (lineOver || dropping) {
                if (!dropping) {
                    skipped++;
                    data.setLength(0);
                }
                dropping = lineOver || !l.isEmpty(); // up to the event's blank line
            } else if (l.isEmpty()) {
                if (data.length() > 0) {
                    Event e = flushWithText();
                    if (e != null) {
                        return e;
                    }
                }
            } else if (l.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(l, l.startsWith("data: ") ? 6 : 5, l.length());
                if (data.length() > cap) {
                    skipped++;
                    dropping = true;
                    data.setLength(0);
                }
            }
            // Comments (":…"), "event:", "id:" and "retry:" lines carry nothing ocs needs.
        }
    }

    /** The next event with the text it was read from. */
    private Event flushWithText() {
        String text = data.toString();
        Event e = flush();
        return e == null ? null : e.withData(text);
    }

    /** Events dropped because they were too long or not JSON. */
    public int skipped() {
        return skipped;
    }

    private Event flush() {
        String text = data.toString();
        data.setLength(0);
        try {
            JsonNode n = Json.tree(text);
            if (n != null && n.isObject()) {
                return Event.from(n);
            }
        } catch (IOException | RuntimeException e) {
            // counted below
        }
        skipped++;
        return null;
    }

    /** The line just read was longer than the cap (and came back empty). */
    private boolean lineOver;

    private String readLine() throws IOException {
        byte[] bytes = lines.next();
        if (bytes == null) {
            return null;
        }
        lineOver = lines.over();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}

package dev.ocs.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Lines of a byte stream, each held only up to a cap: a peer that never sends a newline cannot exhaust the heap.
 * For the event stream ({@code SseReader}) and for what an MCP client writes to {@code ocs mcp}.
 */
public final class BoundedLines {
    private final InputStream in;
    private final int cap;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean over;

    /** @param in read a byte at a time: give a buffered stream */
    public BoundedLines(InputStream in, int cap) {
        this.in = in;
        this.cap = cap;
    }

    /**
     * The next line's bytes, without its newline (a {@code \r} before it is kept); empty for a line past the cap
     * ({@link #over()} then says so); null at the end of the stream.
     */
    public byte[] next() throws IOException {
        line.reset();
        over = false;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (line.size() < cap) {
                line.write(b);
            } else {
                over = true;
            }
        }
        if (b == -1 && line.size() == 0 && !over) {
            return null;
        }
        return over ? new byte[0] : line.toByteArray();
    }

    /** Whether the line just read was longer than the cap (and came back empty). */
    public boolean over() {
        return over;
    }
}

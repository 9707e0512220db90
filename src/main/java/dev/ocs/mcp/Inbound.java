package dev.ocs.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.http.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * What the client writes on stdin, on its way to the SDK's stdio transport, one JSON-RPC message a line.
 *
 * <p>The SDK's classic server (every release up to 2.2.0) has no handler for {@code notifications/cancelled}: it
 * logs the notification as unknown and lets the tool run on. So ocs takes that notification here and hands it to
 * {@link Calls}, and it tags each {@code tools/call} with its JSON-RPC id in {@code params._meta} under
 * {@link #REQUEST_ID}, so that the tool's handler knows which request it serves (the SDK gives a handler the
 * request's params, not its id). Every other line passes as it came, byte for byte.
 */
final class Inbound extends InputStream {
    /** The key under {@code params._meta} that carries a tools/call's JSON-RPC id (as JSON text). */
    static final String REQUEST_ID = "dev.ocs/requestId";
    /** A line longer than this is dropped (said on stderr), so a runaway client cannot exhaust the heap. */
    static final int MAX_LINE = 32 * 1024 * 1024;

    private final InputStream in;
    private final Calls calls;
    private final PrintWriter log;
    private final CountDownLatch closed = new CountDownLatch(1);
    private byte[] line = new byte[0];
    private int pos;
    private boolean eof;

    Inbound(InputStream in, Calls calls, PrintWriter log) {
        this.in = new BufferedInputStream(in, 65536);
        this.calls = calls;
        this.log = log;
    }

    /** Counts down once the client has closed stdin. */
    CountDownLatch closed() {
        return closed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos >= line.length) {
            if (eof || !nextLine()) {
                eof = true;
                closed.countDown();
                return -1;
            }
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads the next line the SDK is to see (or none, for a line taken here); false at the end of stdin. */
    private boolean nextLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean tooLong = false;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (buf.size() < MAX_LINE) {
                buf.write(c);
            } else {
                tooLong = true;
            }
        }
        if (c < 0 && buf.size() == 0) {
            return false;
        }
        pos = 0;
        if (tooLong) {
            log.println("ocs mcp: dropped a message of over " + MAX_LINE / (1024 * 1024) + " MiB from the client");
            line = new byte[0];
            return true;
        }
        line = pass(buf.toByteArray());
        return true;
    }

    /** The line as the SDK is to see it, with its newline; empty when it was taken here. */
    byte[] pass(byte[] raw) {
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(raw);
        } catch (IOException e) {
            msg = null; // not JSON: the SDK says so to the client
        }
        String method = msg != null && msg.isObject() ? Json.text(msg, "method") : null;
        if ("notifications/cancelled".equals(method)) {
            JsonNode id = msg.path("params").get("requestId");
            if (id != null) {
                calls.cancel(id.toString(), Json.text(msg.path("params"), "reason"));
            }
            return new byte[0];
        }
        if ("tools/call".equals(method) && msg.hasNonNull("id") && msg.get("params") instanceof ObjectNode params) {
            JsonNode meta = params.get("_meta");
            ObjectNode m = meta instanceof ObjectNode o ? o : params.putObject("_meta");
            m.put(REQUEST_ID, msg.get("id").toString());
            try {
                return withNewline(Json.mapper().writeValueAsBytes(msg));
            } catch (IOException e) {
                return withNewline(raw);
            }
        }
        return withNewline(raw);
    }

    private static byte[] withNewline(byte[] b) {
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        out[b.length] = '\n';
        return out;
    }
}

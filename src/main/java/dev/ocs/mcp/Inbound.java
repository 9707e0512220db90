package dev.ocs.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.http.ChunkedInputStream;
import dev.ocs.http.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What the client writes on stdin, on its way to the SDK's stdio transport, one JSON-RPC message a line. A
 * thread of its own reads stdin, so the end of input is seen whatever the SDK's reader does.
 *
 * <p>The SDK's classic server (every release up to 2.2.0) has no handler for {@code notifications/cancelled}: it
 * logs the notification as unknown and lets the tool run on. So ocs takes that notification here and hands it to
 * {@link Calls}, and it tags each {@code tools/call} with its JSON-RPC id in {@code params._meta} under
 * {@link #REQUEST_ID}, so that the tool's handler knows which request it serves (the SDK gives a handler the
 * request's params, not its id). A line that is not a JSON-RPC message is dropped with a line on stderr (the SDK
 * would log a stack trace for it and answer nothing). Every other line passes as it came, byte for byte.
 */
final class Inbound {
    /** The key under {@code params._meta} that carries a tools/call's JSON-RPC id (as JSON text). */
    static final String REQUEST_ID = "dev.ocs/requestId";
    /** A line longer than this is dropped (said on stderr), so a runaway client cannot exhaust the heap. */
    static final int MAX_LINE = 32 * 1024 * 1024;

    private final InputStream in;
    private final Calls calls;
    private final PrintWriter log;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Handoff sdk = new Handoff();

    Inbound(InputStream in, Calls calls, PrintWriter log) {
        this.in = new BufferedInputStream(in, 65536);
        this.calls = calls;
        this.log = log;
    }

    /** Counts down once the client has closed stdin. */
    CountDownLatch closed() {
        return closed;
    }

    /** Starts reading stdin; answers what the SDK is to read. */
    InputStream start() {
        Thread t = new Thread(() -> {
            try {
                byte[] line;
                while ((line = nextLine()) != null) {
                    byte[] passed = pass(line);
                    if (passed.length > 0) {
                        sdk.put(passed);
                    }
                }
            } catch (IOException e) {
                log.println("ocs mcp: standard input failed: " + e.getMessage());
            } finally {
                closed.countDown(); // the SDK's own end of input comes with close(), once its answers are out
            }
        }, "ocs-mcp-stdin");
        t.setDaemon(true);
        t.start();
        return sdk;
    }

    /** The end of input for the SDK. */
    void close() {
        sdk.close();
    }

    /** Whether the SDK has read every message that came before the end of input. */
    boolean drained() {
        return closed.getCount() == 0 && sdk.empty();
    }

    /**
     * The lines on their way to the SDK's reader (not a {@link java.io.PipedInputStream}: that one fails its
     * reader once the writing thread has ended).
     */
    static final class Handoff extends ChunkedInputStream {
        private static final byte[] END = new byte[0];
        private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        private volatile boolean ended;

        void put(byte[] line) {
            queue.add(line);
        }

        @Override
        public void close() {
            queue.add(END);
        }

        boolean empty() {
            return consumed() && queue.isEmpty();
        }

        @Override
        protected byte[] next() throws IOException {
            if (ended) {
                return null;
            }
            byte[] c;
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (c == END) {
                ended = true;
                return null;
            }
            return c;
        }
    }

    /** The next line of stdin without its newline (empty for one too long, said on stderr); null at the end. */
    byte[] nextLine() throws IOException {
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
            return null;
        }
        if (tooLong) {
            log.println("ocs mcp: dropped a message of over " + MAX_LINE / (1024 * 1024) + " MiB from the client");
            return new byte[0];
        }
        return buf.toByteArray();
    }

    /** The line as the SDK is to see it, with its newline; empty when it was taken or dropped here. */
    byte[] pass(byte[] raw) {
        if (new String(raw, StandardCharsets.UTF_8).isBlank()) {
            return new byte[0];
        }
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(raw);
        } catch (IOException e) {
            msg = null;
        }
        if (msg == null || !msg.isObject() || !"2.0".equals(Json.text(msg, "jsonrpc"))) {
            String shown = new String(raw, StandardCharsets.UTF_8).strip();
            log.println("ocs mcp: ignored a line that is not a JSON-RPC 2.0 message: "
                    + (shown.length() > 80 ? shown.substring(0, 80) + "…" : shown));
            return new byte[0];
        }
        String method = Json.text(msg, "method");
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

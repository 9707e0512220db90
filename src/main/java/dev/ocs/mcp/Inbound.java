package dev.ocs.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.http.BoundedLines;
import dev.ocs.http.ChunkedInputStream;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the client writes on stdin, on its way to the SDK's stdio transport, one JSON-RPC message a line. A
 * thread of its own reads stdin, so the end of input is seen whatever the SDK's reader does.
 *
 * <p>The SDK's classic server (every release up to 2.2.0) has no handler for {@code notifications/cancelled}: it
 * logs the notification as unknown and lets the tool run on. So ocs takes that notification here and hands it to
 * {@link Calls}, and it tags each {@code tools/call} with its JSON-RPC id in {@code params._meta} under
 * {@link #REQUEST_ID}, so that the tool's handler knows which request it serves (the SDK gives a handler the
 * request's params, not its id). A line that is not a JSON-RPC message is dropped with a line on stderr: the
 * SDK's reader stops for good at a line it cannot read (and answers nothing after it). Every other line passes as
 * it came, byte for byte.
 */
final class Inbound {
    /** The key under {@code params._meta} that carries a tools/call's JSON-RPC id (as JSON text). */
    static final String REQUEST_ID = "dev.ocs/requestId";
    /** A longer line is dropped (said on stderr); the SDK is given room for it and the tag ({@link #sdkLimit}). */
    static final int MAX_LINE = 16 * 1024 * 1024;

    private final BoundedLines lines;
    private final Calls calls;
    private final PrintWriter log;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Handoff sdk = new Handoff();
    private final AtomicInteger requests = new AtomicInteger();

    Inbound(InputStream in, Calls calls, PrintWriter log) {
        this.lines = new BoundedLines(new BufferedInputStream(in, 65536), MAX_LINE);
        this.calls = calls;
        this.log = log;
    }

    /** The SDK's own cap on a line: above ours, so that a line we pass (tagged) is never one it refuses. */
    static int sdkLimit() {
        return MAX_LINE + 64 * 1024;
    }

    /** Counts down once the client has closed stdin. */
    CountDownLatch closed() {
        return closed;
    }

    /** How many requests (messages with an id and a method) went to the SDK: each is owed an answer. */
    int requests() {
        return requests.get();
    }

    /** Starts reading stdin; answers what the SDK is to read. */
    InputStream start() {
        Thread t = new Thread(() -> {
            try {
                byte[] line;
                while ((line = lines.next()) != null) {
                    if (lines.over()) {
                        log.println("ocs mcp: dropped a message of over " + MAX_LINE / (1024 * 1024)
                                + " MiB from the client");
                        continue;
                    }
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

    /**
     * A message the SDK can read: JSON-RPC 2.0 with a method (a request or a notification), or an id with a result
     * or an error (an answer to the SDK's own request).
     */
    private static boolean rpc(JsonNode msg) {
        return msg != null && msg.isObject() && "2.0".equals(Json.text(msg, "jsonrpc"))
                && (msg.path("method").isTextual() || msg.has("id") && (msg.has("result") || msg.has("error")));
    }

    /** The line as the SDK is to see it, with its newline; empty when it was taken or dropped here. */
    byte[] pass(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new byte[0];
        }
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(raw);
        } catch (IOException e) {
            msg = null;
        }
        if (!rpc(msg)) {
            log.println("ocs mcp: ignored a line that is not a JSON-RPC 2.0 message: "
                    + OpencodeClient.oneLine(text.strip(), 80));
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
        if (method != null && msg.hasNonNull("id")) {
            requests.incrementAndGet();
        }
        if ("tools/call".equals(method) && msg.hasNonNull("id") && msg.get("params") instanceof ObjectNode params) {
            String id = msg.get("id").toString();
            calls.expect(id);
            JsonNode meta = params.get("_meta");
            ObjectNode m = meta instanceof ObjectNode o ? o : params.putObject("_meta");
            m.put(REQUEST_ID, id);
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

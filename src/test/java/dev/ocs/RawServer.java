package dev.ocs;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP/1.1 server on a raw socket, for servers that misbehave in ways WireMock cannot: never answering,
 * stalling inside a body, closing mid-body, streaming hundreds of MB. 127.0.0.1, an ephemeral port, daemon
 * threads; one request per connection (it answers "Connection: close"). Every request is recorded.
 */
public final class RawServer implements Closeable {
    /** A request as it arrived. */
    public record Request(String method, String target, Map<String, String> headers, byte[] body) {
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /** Answers one request by writing raw bytes to the socket (or not). */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange x) throws IOException, InterruptedException;
    }

    /** One request, the socket's output, and the server (to hang until it closes). */
    public record Exchange(Request request, OutputStream out, RawServer server) {
        public String path() {
            return request.path();
        }

        public String method() {
            return request.method();
        }

        public void json(int status, String body) throws IOException {
            RawServer.json(out, status, body);
        }

        public void head(int status, String type, long length) throws IOException {
            RawServer.head(out, status, type, length);
        }

        public void write(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        public void hang() throws InterruptedException {
            server.hang();
        }
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstRequest = new CountDownLatch(1);
    private volatile boolean closed;

    public RawServer(Handler handler) throws IOException {
        this.handler = handler;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "raw-server-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits until a request arrived (a hang guard for tests that act on a client that is waiting). */
    public boolean awaitRequest(long seconds) throws InterruptedException {
        return firstRequest.await(seconds, TimeUnit.SECONDS);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
                open.add(s);
                Thread t = new Thread(() -> serve(s), "raw-server-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            Request r = readRequest(in);
            if (r == null) {
                return;
            }
            requests.add(r);
            firstRequest.countDown();
            OutputStream out = s.getOutputStream();
            handler.handle(new Exchange(r, out, this));
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the client went away, or the test is over
        } finally {
            open.remove(s);
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null || line.isEmpty()) {
            return null;
        }
        String[] first = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while ((h = readLine(in)) != null && !h.isEmpty()) {
            int c = h.indexOf(':');
            if (c > 0) {
                headers.put(h.substring(0, c).trim().toLowerCase(java.util.Locale.ROOT), h.substring(c + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Request(first[0], first.length > 1 ? first[1] : "", headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    // ---- helpers for handlers

    /** Status line and headers; {@code length} < 0 means no Content-Length (the body ends when the socket closes). */
    public static void head(OutputStream out, int status, String type, long length) throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(status == 200 ? " OK" : " X")
                .append("\r\nConnection: close\r\n");
        if (type != null) {
            sb.append("Content-Type: ").append(type).append("\r\n");
        }
        if (length >= 0) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public static void json(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        head(out, status, "application/json", b.length);
        out.write(b);
        out.flush();
    }

    /** Blocks the handler until the test closes the server (a server that never answers, or stalls). */
    public void hang() throws InterruptedException {
        while (!closed) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}

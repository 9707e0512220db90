package dev.ocs.real;

import dev.ocs.RawServer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback proxy between ocs and a real server that records the method and path of every request it passes
 * on: the server does not log what it serves, so this is how a test sees which routes ocs used. Bodies, event
 * streams included, are passed through as they arrive. With {@code olderRoutesGone} it answers every route
 * outside {@code /api} with a bare 404, as a server of the 2.0 line will.
 */
final class RecordingProxy implements Closeable {
    private final RawServer server;
    private final String target;
    private final boolean olderRoutesGone;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    RecordingProxy(String target, boolean olderRoutesGone) throws IOException {
        this.target = target;
        this.olderRoutesGone = olderRoutesGone;
        this.server = new RawServer(this::forward);
    }

    String url() {
        return server.url();
    }

    /** Every request so far: {@code "GET /api/session"} (no query). */
    List<String> requests() {
        return List.copyOf(seen);
    }

    void clear() {
        seen.clear();
    }

    private void forward(RawServer.Exchange x) throws IOException, InterruptedException {
        RawServer.Request r = x.request();
        seen.add(r.method() + " " + r.path());
        if (olderRoutesGone && !r.path().startsWith("/api/")) {
            byte[] body = "Not Found".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.head(404, "text/plain", body.length);
            x.out().write(body);
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + r.target()))
                .method(r.method(), r.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        for (String h : List.of("authorization", "content-type", "accept")) {
            String v = r.headers().get(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        HttpResponse<InputStream> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        String type = resp.headers().firstValue("content-type").orElse(null);
        OutputStream out = x.out();
        x.head(resp.statusCode(), type, -1);
        try (InputStream in = resp.body()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush(); // an event stream goes on as it comes
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}

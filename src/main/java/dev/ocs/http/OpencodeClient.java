package dev.ocs.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The one HTTP client every command uses. Basic Auth goes on every request up front; no proxy is ever
 * used, whatever the environment or JVM properties say; redirects are never followed (so credentials
 * never travel to another host); every request has a time limit. Failures become {@link OcsException}s
 * with the exit code of the README's table and one line that never contains the password.
 */
public final class OpencodeClient {
    private static final int ERROR_BODY_CAP = 64 * 1024;

    private final Connection conn;
    private final HttpClient http;
    private final String authorization;
    private final PrintWriter trace;

    public OpencodeClient(Connection conn, PrintWriter trace) {
        this.conn = conn;
        this.trace = trace;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (conn.username() + ":" + conn.password()).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder b = HttpClient.newBuilder()
                .proxy(NoProxy.INSTANCE)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(conn.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        if ("http".equalsIgnoreCase(conn.url().getScheme())) {
            // Plain http needs no TLS; without this the client loads the CA store on every start.
            b.sslContext(NoTls.CONTEXT).sslParameters(new SSLParameters());
        }
        // No worker threads: the client's own steps run on its selector thread or the calling one. Safe because
        // nothing here blocks inside the client: every body is an InputStream read on the calling thread. Saves
        // the hand-offs to a thread pool that a cold JVM pays for on every request (-26 ms on inspect).
        b.executor(Runnable::run);
        this.http = b.build();
    }

    public Connection connection() {
        return conn;
    }

    /**
     * An API path from raw segments, each percent-encoded: ids are data, never path syntax. Ids a user gives are
     * checked before this ({@link dev.ocs.Ids}); ids the server sent back are not, so a segment that encoding cannot
     * make safe (missing, empty, "." or "..", which servers resolve as dot segments) is refused here.
     */
    public static String path(String... segments) {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            if (s == null || s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new OcsException(ExitCode.SERVER_ERROR, "the server's answer holds an unusable id ("
                        + (s == null ? "none" : "'" + s + "'") + "); refusing to put it in a request path");
            }
            sb.append('/').append(encode(s));
        }
        return sb.toString();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Query parameters in order; {@code directory} is added for every route outside /global. */
    public static Map<String, String> query(String... kv) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                q.put(kv[i], kv[i + 1]);
            }
        }
        return q;
    }

    public URI uri(String path, Map<String, String> query) {
        StringJoiner qs = new StringJoiner("&");
        Map<String, String> all = new LinkedHashMap<>();
        if (conn.directory() != null && !path.startsWith("/global/")) {
            all.put("directory", conn.directory());
        }
        if (query != null) {
            all.putAll(query);
        }
        all.forEach((k, v) -> qs.add(encode(k) + "=" + encode(v)));
        String base = conn.url().toString() + path;
        return URI.create(all.isEmpty() ? base : base + "?" + qs);
    }

    public JsonNode get(String path) {
        return get(path, (Map<String, String>) null);
    }

    public JsonNode get(String path, Map<String, String> query) {
        return read("GET", path, query, null, null, JsonBytes::tree);
    }

    /** GET, then read the body as it streams (a JSON value, not blank): large bodies are never held whole. */
    public <T> T get(String path, Map<String, String> query, BodyReader<T> reader) {
        return read("GET", path, query, null, null, reader);
    }

    public JsonNode post(String path, Map<String, String> query, Object body) {
        return read("POST", path, query, body, null, JsonBytes::tree);
    }

    public JsonNode patch(String path, Object body) {
        return read("PATCH", path, null, body, null, JsonBytes::tree);
    }

    public JsonNode delete(String path) {
        return read("DELETE", path, null, null, null, JsonBytes::tree);
    }

    /** Like {@link #get} but with its own time limit (health polls of a server that is starting). */
    public JsonNode getWithin(String path, Duration timeout) {
        return read("GET", path, null, null, timeout, JsonBytes::tree);
    }

    /**
     * Opens a streaming GET (the event stream). The time limit covers the response headers only; the
     * caller reads the body for as long as it wants and closes it.
     */
    public InputStream openStream(String path, Map<String, String> query) {
        HttpResponse<InputStream> r = send("GET", path, query, null, null, "text/event-stream");
        String type = r.headers().firstValue("content-type").orElse("");
        if (!type.isEmpty() && !type.contains("event-stream")) {
            String start;
            try (InputStream in = new StallGuard(r.body(), conn.requestTimeout())) {
                start = new String(in.readNBytes(200), StandardCharsets.UTF_8);
            } catch (IOException e) {
                start = "";
            }
            String what = "GET " + path;
            throw new NotJsonException("expected an event stream from " + what + " but got " + type.split(";")[0]
                    + "; is " + conn.displayUrl() + " an opencode server?", what + " answered "
                    + type.split(";")[0] + ": " + sample(start.getBytes(StandardCharsets.UTF_8)));
        }
        return r.body();
    }

    @FunctionalInterface
    public interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private <T> T read(String method, String path, Map<String, String> query, Object body,
                       Duration timeout, BodyReader<T> reader) {
        HttpResponse<InputStream> r = send(method, path, query, body, timeout, "application/json");
        String what = method + " " + path;
        Duration limit = timeout != null ? timeout : conn.requestTimeout();
        StallGuard guard = new StallGuard(r.body(), limit);
        try (InputStream in = guard) {
            if (r.statusCode() == 204) {
                return null;
            }
            String type = r.headers().firstValue("content-type").orElse("");
            if (!type.isEmpty() && !type.contains("json")) {
                String start = new String(in.readNBytes(200), StandardCharsets.UTF_8);
                throw new NotJsonException("expected JSON from " + what + " but got "
                        + type.split(";")[0] + " (" + quote(start, 60) + "); is " + conn.displayUrl()
                        + " an opencode server?", what + " answered " + type.split(";")[0] + ": "
                        + sample(start.getBytes(StandardCharsets.UTF_8)));
            }
            InputStream json = nonBlank(in);
            if (json == null) {
                throw new OcsException(ExitCode.SERVER_ERROR, "empty answer from " + what + " on "
                        + conn.displayUrl());
            }
            return reader.read(json);
        } catch (JsonProcessingException e) {
            throw new OcsException(ExitCode.SERVER_ERROR, "unreadable answer from " + what + " on "
                    + conn.displayUrl() + ": " + quote(e.getOriginalMessage(), 160), e);
        } catch (HttpTimeoutException e) {
            throw new OcsException(ExitCode.TIMEOUT, "the answer to " + what + " from " + conn.displayUrl()
                    + " stalled: no data for " + seconds(limit) + "; try again or raise --request-timeout", e);
        } catch (IOException e) {
            if (guard.stalled()) {
                throw new OcsException(ExitCode.TIMEOUT, "the answer to " + what + " from " + conn.displayUrl()
                        + " stalled: nothing for " + seconds(limit) + "; try again or raise --request-timeout", e);
            }
            throw new OcsException(ExitCode.SERVER_ERROR, "the answer to " + what + " from " + conn.displayUrl()
                    + " broke off: " + conn.redact(describe(e)), e);
        }
    }

    /** The body from its first byte that is not white space on, or null when there is none. */
    public static InputStream nonBlank(InputStream in) throws IOException {
        byte[] head = new byte[8192];
        int n;
        while ((n = in.read(head)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = head[i];
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    return new SequenceInputStream(new ByteArrayInputStream(head, i, n - i), in);
                }
            }
        }
        return null;
    }

    /**
     * POSTs and does not wait for the answer: for a route that answers only when the work is done (1.0.0's
     * {@code POST /session/{id}/message}, which holds the request until the reply is complete). The caller
     * confirms the work started by other means; the request stays open while this process runs.
     */
    public void postDetached(String path, Object body) {
        URI uri = uri(path, null);
        byte[] bytes = Json.bytes(body);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        if (trace != null) {
            trace.println("ocs: > POST " + uri + " (not waiting for the answer)");
            trace.println("ocs: > Authorization: Basic ****");
            trace.flush();
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    }

    private HttpResponse<InputStream> send(String method, String path, Map<String, String> query, Object body,
                                           Duration timeout, String accept) {
        URI uri = uri(path, query);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(timeout != null ? timeout : conn.requestTimeout())
                .header("Authorization", authorization)
                .header("Accept", accept);
        byte[] bytes = null;
        if (body != null) {
            bytes = Json.bytes(body);
            rb.header("Content-Type", "application/json");
            rb.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + path;
        long start = System.nanoTime();
        if (trace != null) {
            trace.println("ocs: > " + method + " " + uri);
            trace.println("ocs: > Authorization: Basic ****");
            if (bytes != null) {
                trace.println("ocs: > body " + bytes.length + " bytes");
            }
            trace.flush();
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new OcsException(ExitCode.UNREACHABLE, "cannot reach opencode at " + conn.displayUrl()
                    + ": no connection within " + seconds(conn.connectTimeout()) + "; check --url", e);
        } catch (HttpTimeoutException e) {
            throw timeout(what, e);
        } catch (ConnectException | UnresolvedAddressException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (hasCause(e, UnknownHostException.class) || hasCause(e, UnresolvedAddressException.class)
                    || hasCause(e, ConnectException.class)) {
                throw unreachable(e);
            }
            throw new OcsException(ExitCode.SERVER_ERROR, what + " on " + conn.displayUrl() + " failed: "
                    + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OcsException(ExitCode.INTERRUPTED, "interrupted", e);
        }
        if (trace != null) {
            trace.println("ocs: < " + r.statusCode() + " " + r.headers().firstValue("content-type").orElse("")
                    + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
            trace.flush();
        }
        if (r.statusCode() >= 300) {
            throw failure(what, r);
        }
        return r;
    }

    private OcsException unreachable(Exception e) {
        return new OcsException(ExitCode.UNREACHABLE, "cannot reach opencode at " + conn.displayUrl() + " ("
                + describe(e) + "); is it running? Start one with: ocs serve-check --start", e);
    }

    private OcsException timeout(String what, Exception e) {
        return new OcsException(ExitCode.TIMEOUT, "no answer to " + what + " from " + conn.displayUrl()
                + " within " + seconds(conn.requestTimeout()) + "; a server that is starting or busy can be slow: "
                + "try again or raise --request-timeout", e);
    }

    private ApiException failure(String what, HttpResponse<InputStream> r) {
        int status = r.statusCode();
        byte[] body;
        try (InputStream in = new StallGuard(r.body(), conn.requestTimeout())) {
            body = in.readNBytes(ERROR_BODY_CAP);
        } catch (IOException e) {
            body = new byte[0];
        }
        String name = null;
        String message = null;
        try {
            JsonNode n = Json.tree(body);
            if (n != null && n.isObject()) {
                name = Json.text(n, "name") != null ? Json.text(n, "name") : Json.text(n, "_tag");
                message = Json.text(n, "message");
                if (message == null) {
                    message = Json.text(Json.obj(n, "data"), "message");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: described below from the raw text
        }
        if (status == 401 || status == 403) {
            return new ApiException(ExitCode.AUTH, "credentials rejected by " + conn.displayUrl() + " (HTTP "
                    + status + ") for user '" + conn.username() + "' with the password from "
                    + conn.passwordSource(), status, name, message);
        }
        if (status >= 300 && status < 400) {
            String location = r.headers().firstValue("location").orElse("?");
            return new ApiException(ExitCode.SERVER_ERROR, what + " was redirected (HTTP " + status + ") to "
                    + quote(location, 120) + "; ocs does not follow redirects: point --url at the server itself",
                    status, null, null);
        }
        String said;
        if (message != null) {
            said = (name != null ? quote(name, 80) + ": " : "") + quote(message, 300);
        } else if (name != null) {
            said = quote(name, 80);
        } else {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            said = text.isEmpty() ? "no details" : "'" + quote(text, 120) + "'";
        }
        int code = status == 404 ? ExitCode.NOT_FOUND : ExitCode.SERVER_ERROR;
        String type = r.headers().firstValue("content-type").orElse("").split(";")[0].strip();
        String evidence = what + " answered HTTP " + status + (type.isEmpty() ? "" : " " + type) + ": "
                + (name == null && message == null ? sample(body) : said);
        return new ApiException(code, "the server answered " + what + " with HTTP " + status + ": "
                + (type.contains("html") ? sample(body) : said), status, name, message, evidence);
    }

    /** A few words of a body that is not opencode's: an HTML page's title, else its first characters, quoted. */
    private String sample(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8).strip();
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        int t = lower.indexOf("<title>");
        int end = t < 0 ? -1 : lower.indexOf("</title>", t);
        if (end > t) {
            return "a page titled '" + quote(text.substring(t + 7, end).strip(), 80) + "'";
        }
        if (lower.startsWith("<")) {
            return "an HTML page";
        }
        return text.isEmpty() ? "an empty body" : "'" + quote(text, 80) + "'";
    }

    /** Server text for a message: the credentials hidden first (a cut must not leave part of them), then one line. */
    private String quote(String text, int max) {
        return oneLine(conn.redact(text), max);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String describe(Throwable e) {
        if (hasCause(e, ConnectException.class)) {
            return "connection refused";
        }
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
            return "unknown host";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : oneLine(m, 160);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** One line of at most {@code max} characters: control characters become spaces. */
    public static String oneLine(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        String r = sb.toString().strip();
        return s.length() > max ? r + "…" : r;
    }

    /** Never a proxy: java.net.http would otherwise honour http.proxyHost given to the JVM. */
    private static final class NoProxy extends ProxySelector {
        static final NoProxy INSTANCE = new NoProxy();

        @Override
        public java.util.List<java.net.Proxy> select(URI uri) {
            return java.util.List.of(java.net.Proxy.NO_PROXY);
        }

        @Override
        public void connectFailed(URI uri, java.net.SocketAddress sa, IOException ioe) {
        }
    }

    /** An SSLContext that is never used: given to the client for http:// so it skips TLS set-up. */
    private static final class NoTls extends SSLContextSpi {
        static final SSLContext CONTEXT = new SSLContext(new NoTls(), null, "none") {};

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("TLS is not set up for http:// URLs");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("TLS is not set up for http:// URLs");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw new UnsupportedOperationException("TLS is not set up for http:// URLs");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw new UnsupportedOperationException("TLS is not set up for http:// URLs");
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return null;
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return null;
        }
    }
}

package dev.ocs.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ocs.http.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Serves saved sessions the way opencode 1.18.33 answers for them, on loopback, for the benchmark and for
 * training the launcher's class archive: {@code GET /global/health}, {@code /session/status} ({@code {}}),
 * {@code /permission} ({@code []}), {@code /session/{id}} and {@code /session/{id}/message} (the file as
 * saved, streamed; with {@code limit=N}, its newest N messages). Basic Auth as the real server asks it.
 *
 * <p>{@code SessionServer generate FILE KIB} writes a session of about KIB KiB in the shape of a real one
 * (user prompts, reasoning, bash calls with output, answers, step boundaries). {@code SessionServer serve
 * PASSWORD FILE...} serves the files (session id = the file's name up to its first dot) and prints its URL.
 */
public final class SessionServer implements AutoCloseable {
    public static final String VERSION = "1.18.33";
    private final HttpServer server;
    private final Map<String, Path> sessions = new ConcurrentHashMap<>();
    private final Map<String, byte[]> limited = new ConcurrentHashMap<>();
    private final String expectedAuth;

    static {
        Loopback.noDelay();
    }

    public SessionServer(String password) throws IOException {
        expectedAuth = "Basic " + Base64.getEncoder().encodeToString(("opencode:" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "session-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves {@code messages} (a saved {@code GET /session/{id}/message} answer) as session {@code id}. */
    public void add(String id, Path messages) {
        sessions.put(id, messages);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"name\":\"Unauthorized\",\"data\":{\"message\":\"Unauthorized\"}}");
                return;
            }
            URI uri = ex.getRequestURI();
            String[] seg = uri.getPath().split("/");
            String path = uri.getPath();
            if (path.equals("/global/health")) {
                send(ex, 200, "{\"healthy\":true,\"version\":\"" + VERSION + "\"}");
            } else if (path.equals("/session/status")) {
                send(ex, 200, "{}");
            } else if (path.equals("/permission") || path.equals("/question")) {
                send(ex, 200, "[]");
            } else if (seg.length >= 3 && seg[1].equals("session") && sessions.containsKey(seg[2])) {
                String id = seg[2];
                if (seg.length == 3) {
                    send(ex, 200, "{\"id\":\"" + id + "\",\"slug\":\"bench\",\"projectID\":\"bench\",\"directory\":\"/home/dev/project\","
                            + "\"title\":\"Benchmark session\",\"version\":\"" + VERSION + "\","
                            + "\"time\":{\"created\":1795463773000,\"updated\":1795463799000}}");
                } else if (seg.length == 4 && seg[3].equals("message")) {
                    int limit = limit(uri.getRawQuery());
                    if (limit > 0) {
                        send(ex, 200, limited.computeIfAbsent(id + "?" + limit, k -> newest(sessions.get(id), limit)));
                    } else {
                        Path file = sessions.get(id);
                        ex.getResponseHeaders().set("content-type", "application/json");
                        ex.sendResponseHeaders(200, Files.size(file));
                        try (OutputStream out = ex.getResponseBody()) {
                            Files.copy(file, out);
                        }
                    }
                } else {
                    notFound(ex);
                }
            } else {
                notFound(ex);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void notFound(HttpExchange ex) throws IOException {
        send(ex, 404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Not found: " + ex.getRequestURI().getPath() + "\"}}");
    }

    private static int limit(String query) {
        if (query == null) return 0;
        for (String kv : query.split("&")) {
            if (kv.startsWith("limit=")) {
                try {
                    return Integer.parseInt(kv.substring(6));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The newest {@code n} messages of a saved answer, read one message at a time. */
    private static byte[] newest(Path file, int n) {
        try (JsonParser p = Json.mapper().createParser(file.toFile())) {
            java.util.ArrayDeque<JsonNode> last = new java.util.ArrayDeque<>();
            if (p.nextToken() != JsonToken.START_ARRAY) return "[]".getBytes(StandardCharsets.UTF_8);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                last.addLast(Json.mapper().readTree(p));
                if (last.size() > n) last.removeFirst();
            }
            return Json.mapper().writeValueAsBytes(new ArrayList<>(last));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        send(ex, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Writes a session of about {@code kib} KiB, in the shape of what opencode 1.18.33 returns. */
    public static void generate(Path file, String sid, long kib) throws IOException {
        String filler = "The build failed because the test fixture path was wrong; fixing the path and running the "
                + "suite again. ";
        long target = kib * 1024;
        long t = 1795463773000L;
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(Files.newOutputStream(file))) {
            g.writeStartArray();
            int turn = 0;
            long written = 0;
            do {
                String user = String.format("msg_%012x%014d", t, turn * 2L);
                String asst = String.format("msg_%012x%014d", t, turn * 2L + 1);
                g.writeStartObject();
                g.writeObjectFieldStart("info");
                g.writeStringField("id", user);
                g.writeStringField("sessionID", sid);
                g.writeStringField("role", "user");
                g.writeObjectFieldStart("time");
                g.writeNumberField("created", t);
                g.writeEndObject();
                g.writeStringField("agent", "build");
                g.writeObjectFieldStart("model");
                g.writeStringField("providerID", "mock");
                g.writeStringField("modelID", "mock-model");
                g.writeEndObject();
                g.writeEndObject();
                g.writeArrayFieldStart("parts");
                part(g, sid, user, turn, "text");
                g.writeStringField("text", "Turn " + turn + ": please fix the failing test in src/test and explain what was wrong.");
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();

                g.writeStartObject();
                g.writeObjectFieldStart("info");
                g.writeStringField("id", asst);
                g.writeStringField("sessionID", sid);
                g.writeStringField("role", "assistant");
                g.writeObjectFieldStart("time");
                g.writeNumberField("created", t + 1000);
                g.writeNumberField("completed", t + 9000);
                g.writeEndObject();
                g.writeStringField("parentID", user);
                g.writeStringField("modelID", "mock-model");
                g.writeStringField("providerID", "mock");
                g.writeStringField("mode", "build");
                g.writeStringField("agent", "build");
                g.writeNumberField("cost", 0.0123);
                tokens(g);
                g.writeStringField("finish", "stop");
                g.writeEndObject();
                g.writeArrayFieldStart("parts");
                part(g, sid, asst, turn * 10 + 1, "step-start");
                g.writeEndObject();
                part(g, sid, asst, turn * 10 + 2, "reasoning");
                g.writeStringField("text", filler.repeat(8));
                g.writeEndObject();
                part(g, sid, asst, turn * 10 + 3, "tool");
                g.writeStringField("callID", "call_" + turn);
                g.writeStringField("tool", "bash");
                g.writeObjectFieldStart("state");
                g.writeStringField("status", "completed");
                g.writeObjectFieldStart("input");
                g.writeStringField("command", "mvn -q test -Dtest=ParserTest");
                g.writeStringField("description", "Run the failing test");
                g.writeEndObject();
                g.writeStringField("output", ("[INFO] Running dev.example.ParserTest\n" + filler + "\n").repeat(30));
                g.writeStringField("title", "Run the failing test");
                g.writeEndObject();
                g.writeEndObject();
                part(g, sid, asst, turn * 10 + 4, "text");
                g.writeStringField("text", filler.repeat(15));
                g.writeEndObject();
                part(g, sid, asst, turn * 10 + 5, "step-finish");
                g.writeStringField("reason", "stop");
                g.writeNumberField("cost", 0.0123);
                tokens(g);
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                g.flush();
                written = Files.size(file);
                turn++;
                t += 10_000;
            } while (written < target);
            g.writeEndArray();
        }
    }

    private static void part(JsonGenerator g, String sid, String mid, int n, String type) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", String.format("prt_%026d", n));
        g.writeStringField("sessionID", sid);
        g.writeStringField("messageID", mid);
        g.writeStringField("type", type);
    }

    private static void tokens(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("tokens");
        g.writeNumberField("total", 9000);
        g.writeNumberField("input", 8000);
        g.writeNumberField("output", 600);
        g.writeNumberField("reasoning", 400);
        g.writeObjectFieldStart("cache");
        g.writeNumberField("read", 7000);
        g.writeNumberField("write", 100);
        g.writeEndObject();
        g.writeEndObject();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("generate")) {
            Path file = Path.of(args[1]);
            String sid = file.getFileName().toString().split("\\.")[0];
            generate(file, sid, Long.parseLong(args[2]));
            return;
        }
        if (args.length >= 3 && args[0].equals("serve")) {
            SessionServer s = new SessionServer(args[1]);
            for (int i = 2; i < args.length; i++) {
                Path f = Path.of(args[i]);
                String id = f.getFileName().toString().split("\\.")[0];
                s.add(id, f);
            }
            System.out.println(s.url());
            System.out.flush();
            Thread.currentThread().join();
            return;
        }
        System.err.println("usage: SessionServer generate FILE KIB | serve PASSWORD FILE...");
        System.exit(2);
    }
}

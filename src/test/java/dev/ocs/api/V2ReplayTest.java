package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.cli.Cli;
import dev.ocs.events.Event;
import dev.ocs.events.SseReader;
import dev.ocs.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v2 layer on bodies and events recorded from a real opencode 1.18.33 ({@code captures/v2/}), served by a
 * loopback server that answers only {@code /api} routes (as 2.0 will): the findings, the follow loop, paging,
 * and what a feature without an {@code /api} route does there.
 */
class V2ReplayTest {
    static final String PERMISSION_SID = "ses_dafc4b66dffekJQWuuYYWy4MDS";
    static final String QUESTION_SID = "ses_dafc4b1e3ffeBYaseMbKxiw70S";
    static final String TOOL_SID = "ses_dafc9178dffelwe1bnKxpGYdpm";
    static final String PAGED_SID = "ses_v2paged";
    static final int PAGED = 120;

    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Session id to the capture of its messages. */
    final Map<String, String> captures = new LinkedHashMap<>();
    final Set<String> running = Collections.synchronizedSet(new java.util.HashSet<>());
    String events = "tool-approved.events.sse";
    volatile boolean olderServer;
    final java.util.concurrent.CountDownLatch statusAsked = new java.util.concurrent.CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        for (String name : List.of("empty", "think", "fail", "hang", "dead", "unknown", "tool")) {
            captures.put("ses_v2" + name, "v2/" + name + ".messages.json");
        }
        captures.put(PERMISSION_SID, "v2/permission-pending.messages.json");
        captures.put(QUESTION_SID, "v2/question-pending.messages.json");
        captures.put(TOOL_SID, "v2/tool.messages.json");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        requests.add(ex.getRequestMethod() + " " + path);
        String[] seg = path.split("/");
        if (olderServer) {
            // a server from before /api: its web UI answers every route it does not know
            send(ex, 200, "text/html", "<!doctype html><html><head><title>OpenCode</title></head></html>");
            return;
        }
        if (!path.startsWith("/api/")) {
            // 2.0: the older routes are gone; the web UI is gone too, so a plain 404
            send(ex, 404, "text/plain", "Not Found");
            return;
        }
        if (path.equals("/api/health")) {
            json(ex, Fixtures.read("v2/health.json"));
        } else if (path.equals("/api/session") && ex.getRequestMethod().equals("GET")) {
            json(ex, Fixtures.read("v2/sessions.json"));
        } else if (path.equals("/api/session/active")) {
            ObjectNode data = Json.mapper().createObjectNode();
            running.forEach(s -> data.putObject(s).put("type", "running"));
            json(ex, Json.mapper().createObjectNode().set("data", data).toString());
            statusAsked.countDown();
        } else if (path.equals("/api/permission/request")) {
            json(ex, Fixtures.read("v2/permission-request.json"));
        } else if (path.equals("/api/question/request")) {
            json(ex, Fixtures.read("v2/question-request.json"));
        } else if (path.equals("/api/event")) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                statusAsked.await(10, java.util.concurrent.TimeUnit.SECONDS); // the run is seen busy first
                out.write(Fixtures.read("v2/" + events).getBytes(StandardCharsets.UTF_8));
                out.flush();
                running.clear(); // the recorded run is over
                Thread.sleep(30_000);
            } catch (InterruptedException | IOException e) {
                // the client went away
            }
        } else if (seg.length == 4 && seg[2].equals("session")) {
            ObjectNode s = (ObjectNode) Json.mapper().readTree(Fixtures.read("v2/session.json"));
            ((ObjectNode) s.get("data")).put("id", seg[3]);
            json(ex, s.toString());
        } else if (seg.length == 5 && seg[4].equals("message")) {
            json(ex, seg[3].equals(PAGED_SID) ? page(q) : captures.containsKey(seg[3])
                    ? ordered(Fixtures.read(captures.get(seg[3])), q) : "{\"data\":[],\"cursor\":{}}");
        } else {
            send(ex, 404, "application/json", "{\"_tag\":\"NotFound\",\"message\":\"no such route\"}");
        }
    }

    /** A recorded page (oldest first) in the order asked. */
    private static String ordered(String capture, Map<String, String> q) throws IOException {
        ObjectNode page = (ObjectNode) Json.mapper().readTree(capture);
        if ("desc".equals(q.get("order"))) {
            List<JsonNode> all = new ArrayList<>();
            page.get("data").forEach(all::add);
            Collections.reverse(all);
            int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : all.size();
            ArrayNode data = page.putArray("data");
            all.stream().limit(limit).forEach(data::add);
        }
        return page.toString();
    }

    /** {@value PAGED} user messages, served oldest first a page at a time behind a cursor (the message index). */
    private static String page(Map<String, String> q) {
        int from = q.containsKey("cursor") ? Integer.parseInt(q.get("cursor")) : 0;
        int limit = Integer.parseInt(q.getOrDefault("limit", "50"));
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode data = page.putArray("data");
        for (int i = from; i < Math.min(PAGED, from + limit); i++) {
            data.addObject().put("id", String.format("msg_%05d", i)).put("type", "user").put("text", "prompt " + i)
                    .putObject("time").put("created", 1_000_000 + i);
        }
        page.putObject("cursor").put("next", Integer.toString(Math.min(PAGED, from + limit)));
        return page.toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    static void json(HttpExchange ex, String body) throws IOException {
        send(ex, 200, "application/json", body);
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    Cli cli() {
        return Cli.withUrl("http://127.0.0.1:" + server.getAddress().getPort());
    }

    Set<String> codes(String sid, String... api) throws IOException {
        List<String> args = new ArrayList<>(List.of(api));
        args.addAll(List.of("inspect", "--json", sid));
        Cli.Result r = cli().run(args.toArray(String[]::new));
        assertTrue(r.exitCode() == ExitCode.OK || r.exitCode() == ExitCode.FINDING
                || r.exitCode() == ExitCode.PERMISSION, r.toString());
        Set<String> codes = new TreeSet<>();
        Json.mapper().readTree(r.out()).path("findings").forEach(f -> codes.add(f.path("code").asText()));
        return codes;
    }

    /**
     * Each situation the stand-in model makes, as 1.18.33's v2 engine records it, gives the finding the same
     * situation gives on v1 (the v1 captures' codes in DiagnosisTest): where v2 differs, the test says why.
     */
    @Test
    void inspectFindsOnV2WhatV1Finds() throws IOException {
        assertEquals(Set.of("stop-without-text"), codes("ses_v2empty", "--api", "v2"));
        assertEquals(Set.of("reasoning-exhausted"), codes("ses_v2think", "--api", "v2"));
        assertEquals(Set.of("message-error"), codes("ses_v2hang", "--api", "v2"), "an interrupted turn is an abort");
        assertEquals(Set.of("no-reply"), codes("ses_v2unknown", "--api", "v2"));
        assertEquals(Set.of(), codes(TOOL_SID, "--api", "v2"));
        // v1 retries a provider's 500 for ever (retrying); v2 gives up at once and records the provider's answer
        assertEquals(Set.of("message-error"), codes("ses_v2fail", "--api", "v2"));
        // v1 retries an unreachable provider (retrying); v2 records "HTTP transport failed" on the message
        assertEquals(Set.of("message-error", "model-connect-failed", "zero-tokens"), codes("ses_v2dead", "--api", "v2"));
        running.add(PERMISSION_SID);
        running.add(QUESTION_SID);
        assertEquals(Set.of("permission-pending"), codes(PERMISSION_SID, "--api", "v2"));
        assertEquals(Set.of("question-pending"), codes(QUESTION_SID, "--api", "v2"));
        for (String r : requests) {
            assertTrue(r.contains(" /api/"), "only /api routes: " + requests);
        }
    }

    @Test
    void theAbortAndTheProvidersErrorKeepTheirOlderNames() throws IOException {
        Cli.Result r = cli().run("--api", "v2", "inspect", "--json", "ses_v2fail");
        JsonNode error = Json.mapper().readTree(r.out()).path("messages").get(1).path("error");
        assertEquals("APIError", error.path("name").asText(), r.out());
        r = cli().run("--api", "v2", "inspect", "--json", "ses_v2hang");
        assertEquals("MessageAbortedError", Json.mapper().readTree(r.out()).path("messages").get(1).path("error")
                .path("name").asText(), r.out());
    }

    @Test
    void autoTurnsToV2WhereTheOlderRoutesAreGone() throws IOException {
        Cli.Result r = cli().run("-v", "inspect", "--json", "ses_v2empty");
        assertEquals(ExitCode.FINDING, r.exitCode(), r.toString());
        assertTrue(r.err().contains("ocs: --api auto: the older routes are gone and /api answers; speaking v2"), r.err());
        assertEquals(Set.of("stop-without-text"), codes("ses_v2empty"));
    }

    @Test
    void aSessionOfManyPagesIsReadWhole() throws IOException {
        Cli.Result r = cli().run("--api", "v2", "inspect", "--json", PAGED_SID);
        JsonNode doc = Json.mapper().readTree(r.out());
        assertEquals(PAGED, doc.path("messages").size(), r.err());
        assertEquals("prompt " + (PAGED - 1), doc.path("messages").get(PAGED - 1).path("parts").get(0).path("text")
                .asText());
        long pages = requests.stream().filter(x -> x.endsWith(PAGED_SID + "/message")).count();
        assertEquals((PAGED + V2Api.PAGE - 1) / V2Api.PAGE, pages, "one request per page: " + requests);
    }

    @Test
    void whatApiLacksNeedsTheOlderRouteAndSaysSoWhenItIsGone() {
        Cli.Result r = cli().run("--api", "v2", "-v", "todo", TOOL_SID);
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("ocs: /api has no route to read a session's todo list; using the older (v1) route"),
                r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.equals("ocs: opencode at http://127.0.0.1:" + server.getAddress().getPort()
                + " cannot read a session's todo list: /api has no route for it and the older route is gone")),
                r.err());
        Cli.Result fork = cli().run("--api", "v2", "fork", "ses_v2none");
        assertEquals(ExitCode.SERVER_ERROR, fork.exitCode(), fork.toString());
        assertTrue(fork.err().contains("cannot fork a session: /api has no route for it"), fork.err());
        Cli.Result forkApi = cli().run("--api", "v2", "fork", TOOL_SID);
        assertEquals(ExitCode.SERVER_ERROR, forkApi.exitCode(), forkApi.toString());
        assertTrue(forkApi.err().contains("cannot fork a session run over /api"), forkApi.err());
        Cli.Result diff = cli().run("--api", "v2", "diff", TOOL_SID);
        assertEquals(ExitCode.SERVER_ERROR, diff.exitCode(), diff.toString());
        assertTrue(diff.err().contains("(its messages name the files changed: marker.txt)"), diff.err());
    }

    @Test
    void v2OnAServerWithoutApiRoutesIsExitSixSayingSo() {
        olderServer = true;
        Cli.Result r = cli().run("--api", "v2", "list");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: opencode at http://127.0.0.1:" + server.getAddress().getPort()
                + " cannot list sessions over /api (GET /api/session answered text/html: a page titled 'OpenCode'); "
                + "use --api v1 for an older server"), r.err());
        Cli.Result check = cli().run("--api", "v2", "serve-check");
        assertEquals(ExitCode.SERVER_ERROR, check.exitCode(), check.toString());
        assertTrue(check.err().contains("no opencode /api routes"), check.err());
    }

    @Test
    void watchFollowsARecordedV2Run() {
        running.add(TOOL_SID);
        Cli.Result r = cli().run("--api", "v2", "watch", TOOL_SID, "--until-idle", "--keep-waiting");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        List<String> expected = List.of(
                "[status] busy",
                "[user] TOOL",
                "[assistant] mock/mock-model (build)",
                "[tool] bash pending",
                "[permission] bash: echo approved > marker.txt (per_25036ee80001br2YoCYPi7ZmbS)",
                "[permission] per_25036ee80001br2YoCYPi7ZmbS answered: once",
                "[tool] bash completed: echo approved > marker.txt",
                "[finish] tool-calls",
                "Tool finished: (no output)\nCommand exited with code 0.",
                "[finish] stop",
                "[status] idle");
        int at = 0;
        for (String e : expected) {
            int i = r.out().indexOf(e, at);
            assertTrue(i >= 0, "'" + e + "' after position " + at + " in\n" + r.out());
            at = i + e.length();
        }
    }

    /** The run's end is told once, after the step that needs no other: not after a step that ends in tool calls. */
    @Test
    void theTranslatedStreamSaysIdleOnceAtTheEnd() throws IOException {
        List<Event> out = translate("tool-approved.events.sse");
        List<String> types = out.stream().map(Event::type).toList();
        assertEquals(1, types.stream().filter("session.idle"::equals).count(), types.toString());
        assertEquals("session.idle", types.get(types.size() - 1));
        assertTrue(out.stream().allMatch(e -> e.raw().path("id").asText().startsWith("evt_")),
                "each keeps the id of the v2 event it comes from (watch --json prints them)");
        Event asked = out.stream().filter(e -> e.type().equals("permission.asked")).findFirst().orElseThrow();
        assertEquals("bash", asked.properties().path("permission").asText());
        assertEquals("call_standin_1", asked.properties().path("tool").path("callID").asText());
        assertTrue(out.stream().anyMatch(e -> e.type().equals("message.part.delta")
                && "text".equals(e.properties().path("field").asText())), types.toString());
        List<String> finishes = new ArrayList<>();
        for (Event e : out) {
            if (e.type().equals("message.part.updated") && "step-finish".equals(e.properties().path("part")
                    .path("type").asText())) {
                finishes.add(e.properties().path("part").path("reason").asText());
            }
        }
        assertEquals(List.of("tool-calls", "stop"), finishes);

        List<Event> failed = translate("hang-interrupted.events.sse");
        JsonNode info = failed.stream().filter(e -> e.type().equals("message.updated")).reduce((a, b) -> b)
                .orElseThrow().properties().path("info");
        assertEquals("MessageAbortedError", info.path("error").path("name").asText(), info.toString());
        assertEquals("session.idle", failed.get(failed.size() - 1).type());

        List<Event> provider = translate("fail.events.sse");
        JsonNode error = provider.stream().filter(e -> e.type().equals("message.updated")).reduce((a, b) -> b)
                .orElseThrow().properties().path("info").path("error");
        assertEquals("APIError", error.path("name").asText(), error.toString());
        assertEquals(500, error.path("data").path("statusCode").asInt());

        List<Event> question = translate("question-answered.events.sse");
        List<String> qtypes = question.stream().map(Event::type).toList();
        int qAsked = qtypes.indexOf("question.v2.asked");
        int qReplied = qtypes.indexOf("question.v2.replied");
        assertTrue(qAsked >= 0 && qReplied > qAsked, "question events pass as they are: " + qtypes);
        assertEquals("que_25036f3080010T2frkg4S6HN81", question.get(qAsked).properties().path("id").asText());
        assertEquals(1, qtypes.stream().filter("session.idle"::equals).count(), qtypes.toString());
    }

    private static List<Event> translate(String capture) throws IOException {
        InputStream v2 = new ByteArrayInputStream(Fixtures.read("v2/" + capture).getBytes(StandardCharsets.UTF_8));
        SseReader reader = new SseReader(V2Events.stream(v2));
        List<Event> out = new ArrayList<>();
        for (Event e; (e = reader.next()) != null; ) {
            out.add(e);
        }
        return out;
    }
}

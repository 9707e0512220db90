package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.RawServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers that misbehave below what WireMock can fake: a raw socket that never answers, stalls inside a body,
 * trickles it, closes mid-body, sends HTML, nothing, or JSON of the wrong shape, and event streams that stall,
 * drop or send garbage. Each case ends with its documented exit code and one clean line; every test is bounded
 * by a preemptive timeout, so a hang fails instead of blocking the build.
 */
class MisbehavingServerTest {
    static final String SID = "ses_x1";
    static final String NORMAL = Fixtures.read("normal.messages.json");
    static final Duration GUARD = Duration.ofSeconds(20);

    /** The routes inspect and send --wait use, answered correctly unless a test overrides one. */
    static final class Api implements RawServer.Handler {
        final Map<String, RawServer.Handler> overrides = new HashMap<>();
        final AtomicInteger statusCalls = new AtomicInteger();
        /** What GET /session/status says after the first call (the first says busy: the prompt was taken). */
        volatile String laterStatus = "{}";

        Api on(String route, RawServer.Handler h) {
            overrides.put(route, h);
            return this;
        }

        @Override
        public void handle(RawServer.Exchange x) throws IOException, InterruptedException {
            String route = x.method() + " " + x.path();
            RawServer.Handler h = overrides.get(route);
            if (h != null) {
                h.handle(x);
                return;
            }
            switch (route) {
                case "GET /global/health" -> x.json(200, "{\"healthy\":true,\"version\":\"1.18.33\"}");
                case "GET /session/" + SID -> x.json(200, "{\"id\":\"" + SID + "\",\"title\":\"t\"}");
                case "GET /session/status" -> x.json(200, statusCalls.getAndIncrement() == 0
                        ? "{\"" + SID + "\":{\"type\":\"busy\"}}" : laterStatus);
                case "GET /permission" -> x.json(200, "[]");
                case "GET /session/" + SID + "/message" -> x.json(200, NORMAL);
                case "POST /session" -> x.json(200, "{\"id\":\"" + SID + "\"}");
                case "POST /session/" + SID + "/prompt_async" -> x.head(204, null, 0);
                case "POST /session/" + SID + "/abort" -> x.json(200, "true");
                case "GET /event" -> {
                    x.head(200, "text/event-stream", -1);
                    x.write("data: {\"type\":\"server.connected\",\"properties\":{}}\n\n");
                    x.hang();
                }
                default -> x.json(404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"no route\"}}");
            }
        }
    }

    RawServer server;

    RawServer start(Api api) throws IOException {
        server = new RawServer(api);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    Cli.Result run(String... args) {
        return assertTimeoutPreemptively(GUARD, () -> Cli.withUrl(server.url()).run(args),
                "ocs " + String.join(" ", args) + " hung");
    }

    static void assertCleanError(Cli.Result r, int code) {
        assertEquals(code, r.exitCode(), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
        assertFalse(r.err().contains("Exception"), "no exception names:\n" + r);
        assertFalse(r.err().contains("unexpected error"), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r);
        assertTrue(r.err().startsWith("ocs: "), r.toString());
    }

    // ---- no answer, slow answers

    @Test
    void acceptsAndNeverAnswersIsExit7WithinTheRequestTimeout() throws IOException {
        start(new Api().on("GET /session/" + SID, RawServer.Exchange::hang)
                .on("GET /global/health", RawServer.Exchange::hang));
        Cli.Result r = run("--request-timeout", "1", "inspect", SID);
        assertCleanError(r, ExitCode.TIMEOUT);
        assertTrue(r.err().contains("no answer to GET /session/" + SID), r.toString());
        assertTrue(r.err().contains("within 1 s"), r.toString());
        Cli.Result check = run("--request-timeout", "0.5", "serve-check");
        assertEquals(ExitCode.TIMEOUT, check.exitCode(), check.toString());
    }

    /** java.net.http's timeout ends when the headers arrive; a body that stalls after them must not hang ocs. */
    @Test
    void bodyThatStallsAfterTheHeadersIsExit7() throws IOException {
        start(new Api().on("GET /session/" + SID + "/message", x -> {
            x.head(200, "application/json", 10_000);
            x.write("[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"");
            x.hang();
        }).on("GET /session/" + SID, x -> {
            x.head(200, "application/json", 100);
            x.write("{\"id\":");
            x.hang();
        }));
        Cli.Result r = run("--request-timeout", "1", "inspect", SID);
        assertCleanError(r, ExitCode.TIMEOUT);
        assertTrue(r.err().contains("GET /session/" + SID), r.toString());
        assertTrue(r.err().contains("--request-timeout"), r.toString());

        server.close();
        start(new Api().on("GET /session/" + SID + "/message", x -> {
            x.head(200, "application/json", 10_000);
            x.write("[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"");
            x.hang();
        }));
        r = run("--request-timeout", "0.5", "inspect", "--json", SID);
        assertCleanError(r, ExitCode.TIMEOUT);
        assertTrue(r.err().contains("stalled: nothing for 0.5 s"), r.toString());
        assertFalse(Thread.interrupted(), "the stall guard leaves no interrupt behind on the caller's thread");
        assertTrue(r.err().contains("GET /session/" + SID + "/message"), r.toString());
        assertEquals("", r.out(), "no half report");
    }

    @Test
    void errorBodyThatStallsStillReportsTheStatus() throws IOException {
        start(new Api().on("GET /session/" + SID, x -> {
            x.head(500, "application/json", 1000);
            x.write("{\"name\":\"Unkn");
            x.hang();
        }));
        Cli.Result r = run("--request-timeout", "0.5", "inspect", SID);
        assertCleanError(r, ExitCode.SERVER_ERROR);
        assertTrue(r.err().contains("HTTP 500"), r.toString());
    }

    /**
     * --request-timeout bounds each silence, not the whole transfer: a body that keeps coming, byte by byte, with
     * pauses shorter than the limit completes even when it takes longer than the limit in all.
     */
    @Test
    void slowButSteadyBodyCompletes() throws IOException {
        String info = "{\"id\":\"" + SID + "\",\"title\":\"slow but steady\",\"directory\":\"/home/dev/project\"}";
        start(new Api().on("GET /session/" + SID, x -> {
            byte[] b = info.getBytes(StandardCharsets.UTF_8);
            x.head(200, "application/json", b.length);
            for (byte c : b) {
                x.out().write(c);
                x.out().flush();
                Thread.sleep(10);
            }
        }));
        // about 80 bytes, 10 ms apart: longer than the limit in all, never silent that long
        Cli.Result r = run("--request-timeout", "0.5", "inspect", SID);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("slow but steady"), r.toString());
    }

    // ---- broken bodies

    @Test
    void closingMidBodyIsExit6() throws IOException {
        String partial = NORMAL.substring(0, NORMAL.length() / 2);
        start(new Api().on("GET /session/" + SID + "/message", x -> {
            x.head(200, "application/json", NORMAL.length());
            x.write(partial);
        }));
        Cli.Result r = run("inspect", SID);
        assertCleanError(r, ExitCode.SERVER_ERROR);
        assertTrue(r.err().contains("GET /session/" + SID + "/message"), r.toString());

        server.close();
        start(new Api().on("GET /session/" + SID + "/message", x -> {
            x.head(200, "application/json", -1);
            x.write(partial);
        }));
        r = run("inspect", "--json", SID);
        assertCleanError(r, ExitCode.SERVER_ERROR);
        assertEquals("", r.out());
    }

    @Test
    void htmlWithStatus200IsExit6ExpectedJson() throws IOException {
        start(new Api().on("GET /session/" + SID, x -> {
            String html = "<!doctype html><html><body>" + "<p>Welcome</p>".repeat(10_000) + "</body></html>";
            x.head(200, "text/html; charset=utf-8", html.length());
            x.write(html);
        }));
        Cli.Result r = run("inspect", SID);
        assertCleanError(r, ExitCode.SERVER_ERROR);
        assertTrue(r.err().contains("expected JSON from GET /session/" + SID + " but got text/html"), r.toString());
    }

    /** Whatever a server puts in its error (newlines, escapes, 100 KB), the error stays one line. */
    @Test
    void anErrorIsOneLineWhateverTheServerSays() throws IOException {
        String big = "x".repeat(100_000);
        for (String body : List.of("{\"name\":\"Bad\\nName\\r\\u001b[2J\"}", "{\"_tag\":\"" + big + "\"}",
                "{\"name\":\"N\\nN\",\"data\":{\"message\":\"line one\\nline two\\u0000\"}}",
                "{\"name\":\"N\",\"message\":\"" + big + "\"}", "plain\ntext\r\nerror\u001b[31m", big)) {
            start(new Api().on("GET /session/" + SID, x -> x.json(500, body)));
            Cli.Result r = run("inspect", SID);
            assertCleanError(r, ExitCode.SERVER_ERROR);
            assertFalse(r.err().contains("\u001b"), r.toString());
            assertTrue(r.err().length() < 600, r.toString());
            server.close();
        }
    }

    /** An error page or an HTML page of 200 MB: ocs reads the start it quotes, then hangs up. */
    @Test
    void hugeErrorAndHtmlBodiesAreReadOnlyAsFarAsTheyAreQuoted() throws IOException {
        long size = 200L << 20;
        AtomicInteger finished = new AtomicInteger();
        for (int status : new int[] {500, 200}) {
            start(new Api().on("GET /session/" + SID, x -> {
                x.head(status, status == 200 ? "text/html" : "text/plain", size);
                byte[] chunk = "<p>error page</p>\n".repeat(4000).getBytes(StandardCharsets.UTF_8);
                for (long sent = 0; sent < size; sent += chunk.length) {
                    x.out().write(chunk, 0, (int) Math.min(chunk.length, size - sent));
                }
                finished.incrementAndGet();
            }));
            Cli.Result r = run("inspect", SID);
            assertCleanError(r, ExitCode.SERVER_ERROR);
            assertTrue(r.err().contains("<p>error page</p>"), "quotes the start:\n" + r);
            assertTrue(r.err().length() < 400, r.toString());
            server.close();
        }
        assertEquals(0, finished.get(), "ocs hung up instead of reading 200 MB");
    }

    @Test
    void emptyJsonBodyIsExit6() throws IOException {
        for (String route : List.of("GET /session/" + SID, "GET /session/" + SID + "/message", "GET /session/status",
                "GET /permission")) {
            start(new Api().on(route, x -> x.head(200, "application/json", 0)));
            Cli.Result r = run("inspect", SID);
            assertCleanError(r, ExitCode.SERVER_ERROR);
            assertTrue(r.err().contains("empty answer from " + route), r.toString());
            server.close();
        }
    }

    @Test
    void notHttpAtAllIsExit6() throws IOException {
        for (String garbage : List.of("SSH-2.0-OpenSSH_9.6\r\n", "HTTP/1.1 abc\r\n\r\n", "\u0000\u0001\u0002",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n")) {
            start(new Api().on("GET /session/" + SID, x -> x.write(garbage)));
            Cli.Result r = run("--request-timeout", "2", "inspect", SID);
            assertCleanError(r, ExitCode.SERVER_ERROR);
            server.close();
        }
    }

    /** An object where a list belongs, a number, null...: exit 6 or a report, never a crash. */
    @Test
    void jsonOfTheWrongShapeIsExit6OrAReport() throws IOException {
        List<String> shapes = List.of("{}", "[]", "42", "-1", "null", "true", "\"text\"", "[null]", "[[]]", "[42]",
                "[\"x\"]", "{\"" + SID + "\":[]}", "{\"" + SID + "\":\"busy\"}", "{\"" + SID + "\":{\"type\":7}}",
                "[{}]", "[{\"id\":null}]", "{\"info\":{},\"parts\":[]}", "[{\"info\":[],\"parts\":{}}]",
                "[{\"info\":{\"role\":\"assistant\",\"tokens\":\"many\",\"time\":[1]},\"parts\":[1,null,\"p\"]}]");
        int reports = 0;
        int runs = 0;
        for (String route : List.of("GET /session/" + SID, "GET /session/" + SID + "/message", "GET /session/status",
                "GET /permission")) {
            for (String body : shapes) {
                start(new Api().on(route, x -> x.json(200, body)));
                // the human report and --json, by turns
                String[] args = runs++ % 2 == 0 ? new String[] {"inspect", SID} : new String[] {"inspect", "--json", SID};
                Cli.Result r = run(args);
                String what = route + " answering " + body + ": ";
                assertFalse(r.err().contains("\tat "), what + r);
                assertFalse(r.err().contains("unexpected error"), what + r);
                if (r.exitCode() == ExitCode.SERVER_ERROR) {
                    assertCleanError(r, ExitCode.SERVER_ERROR);
                } else {
                    assertTrue(List.of(0, 1, 8).contains(r.exitCode()), what + r);
                    reports++;
                }
                server.close();
            }
        }
        assertTrue(reports > 0, "some shapes are tolerable");
    }

    // ---- the event stream under send --wait

    Cli.Result sendWait(String... extra) {
        return sendWaitWithin("2", extra);
    }

    Cli.Result sendWaitWithin(String requestTimeout, String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "--request-timeout";
        args[1] = requestTimeout;
        args[2] = "send";
        args[3] = "--wait";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return run(args);
    }

    @Test
    void eventStreamThatStallsEndsAtTheTimeoutWithExit7() throws IOException {
        Api api = new Api().on("GET /event", x -> {
            x.head(200, "text/event-stream", -1);
            x.hang();
        });
        api.laterStatus = "{\"" + SID + "\":{\"type\":\"busy\"}}";
        start(api);
        Cli.Result r = sendWait("--timeout", "1s", "hi");
        assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("abort " + SID), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
    }

    @Test
    void eventStreamThatNeverAnswersIsExit7BeforeAnythingIsSent() throws IOException {
        start(new Api().on("GET /event", RawServer.Exchange::hang));
        Cli.Result r = sendWaitWithin("1", "--timeout", "30s", "hi");
        assertCleanError(r, ExitCode.TIMEOUT);
        assertTrue(r.err().contains("GET /event"), r.toString());
        assertTrue(server.requests().stream().noneMatch(q -> q.path().endsWith("/prompt_async")),
                "the prompt is not sent without the event stream");
    }

    @Test
    void eventStreamThatDropsEndsThroughTheStatus() throws IOException {
        AtomicInteger connects = new AtomicInteger();
        start(new Api().on("GET /event", x -> {
            connects.incrementAndGet();
            x.head(200, "text/event-stream", -1);
        }));
        Cli.Result r = sendWait("--timeout", "30s", "hi");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Hello from the stand-in model"), r.toString());
        assertTrue(connects.get() >= 2, "it reconnected: " + connects.get());
    }

    @Test
    void eventStreamOfGarbageIsSkipped() throws IOException {
        String garbage = "data: {not json\n\ndata: [1,2,3]\n\ndata: \"str\"\n\n\u0000\u0001\u00ff\n\n"
                + "data: {\"type\":null,\"properties\":7}\n\ndata: {\"type\":\"session.status\",\"properties\":"
                + "{\"sessionID\":\"" + SID + "\",\"status\":\"idle\"}}\n\ndata: {\"type\":\"permission.asked\","
                + "\"properties\":{\"sessionID\":\"" + SID + "\"}}\n\ndata: {\"type\":\"message.part.delta\","
                + "\"properties\":{\"sessionID\":\"" + SID + "\",\"partID\":[],\"delta\":{}}}\n\n"
                + "data: " + "[".repeat(100_000) + "\n\n" + "x".repeat(100_000) + "\n:\n\r\n";
        start(new Api().on("GET /event", x -> {
            x.head(200, "text/event-stream", -1);
            x.write(garbage);
        }));
        Cli.Result r = sendWait("--timeout", "30s", "--on-permission", "stop", "hi");
        assertTrue(List.of(0, 8).contains(r.exitCode()), r.toString());
        assertFalse(r.err().contains("null"), "a permission event without an id is not named 'null':\n" + r);
        assertFalse(r.err().contains("\tat "), r.toString());
        assertFalse(r.err().contains("unexpected error"), r.toString());

        server.close();
        Api open = new Api().on("GET /event", x -> {
            x.head(200, "text/event-stream", -1);
            x.write(garbage);
            x.hang();
        });
        open.laterStatus = "{\"" + SID + "\":{\"type\":\"busy\"}}";
        start(open);
        r = sendWait("--timeout", "1s", "--on-permission", "once", "hi");
        assertFalse(r.err().contains("\tat "), r.toString());
        assertFalse(r.err().contains("unexpected error"), r.toString());
        // Answering a request without an id is impossible: exit 6, one line after the session's.
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertEquals(List.of("session " + SID, "ocs: the server's answer holds an unusable id (none); refusing to put "
                + "it in a request path"), r.err().strip().lines().toList(), r.toString());
    }
}

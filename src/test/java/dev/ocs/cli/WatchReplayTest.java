package dev.ocs.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * watch replaying the event stream recorded from a real server (a TOOL prompt, approved), served by a loopback
 * server that drops the stream halfway: the reconnect is said on stderr and the rest still followed.
 */
class WatchReplayTest {
    static final String SID = "ses_df6038b36ffeTAMkeq8XVlokER";
    static final String PER = "per_209fc767c001uiodBtoJkDLL9w";

    HttpServer server;
    final AtomicInteger eventConnections = new AtomicInteger();
    final AtomicInteger statusCalls = new AtomicInteger();
    final CountDownLatch done = new CountDownLatch(1);
    List<String> events;

    @BeforeEach
    void start() throws IOException {
        events = Arrays.stream(Fixtures.read("tool-permission-approved.events.sse").split("\n\n"))
                .map(String::strip).filter(s -> s.startsWith("data: ")).toList();
        int half = events.indexOf(events.stream().filter(e -> e.contains("\"permission.replied\"")).findFirst().orElseThrow());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/session/" + SID -> json(ex, "{\"id\":\"" + SID + "\",\"title\":\"replayed\",\"directory\":\"/p\","
                        + "\"time\":{\"created\":1,\"updated\":2}}");
                case "/session/" + SID + "/children", "/permission" -> json(ex, "[]");
                case "/session/" + SID + "/message" -> json(ex, Fixtures.read("normal.messages.json"));
                case "/session/status" -> json(ex, statusCalls.incrementAndGet() <= 2
                        ? "{\"" + SID + "\":{\"type\":\"busy\"}}" : "{}");
                case "/event" -> {
                    int n = eventConnections.incrementAndGet();
                    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        List<String> part = n == 1 ? events.subList(0, half) : events.subList(half, events.size());
                        for (String e : part) {
                            out.write((e + "\n\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                        if (n > 1) {
                            done.await(30, TimeUnit.SECONDS);
                        }
                    } catch (InterruptedException | IOException e) {
                        // the client went away
                    }
                }
                default -> {
                    ex.sendResponseHeaders(404, -1);
                    ex.close();
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    static void json(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @AfterEach
    void stop() {
        done.countDown();
        server.stop(0);
    }

    Cli cli() {
        return Cli.withUrl("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void aReadableTailThatSurvivesADroppedStream() {
        Cli.Result r = cli().run("watch", SID, "--until-idle", "--keep-waiting");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        String out = r.out();
        List<String> expected = List.of(
                "[status] busy",
                "[user] please TOOL now",
                "[assistant] mock/mock-model (build)",
                "[tool] bash pending",
                "[permission] bash: echo approved > /home/dev/project/marker.txt (" + PER + "); answer it: ocs --url "
                        + "http://127.0.0.1:" + server.getAddress().getPort() + " approve " + SID + " " + PER,
                "[tool] bash running: echo approved > /home/dev/project/marker.txt",
                "[permission] " + PER + " answered: once",
                "[tool] bash completed: echo approved > /home/dev/project/marker.txt",
                "[finish] tool-calls · tokens in 120 out 7 · 4.4 s",
                "[assistant] mock/mock-model (build)",
                "Hello from the stand-in model. You said: please TOOL now\n",
                "[finish] stop",
                "[status] idle");
        int at = 0;
        for (String e : expected) {
            int i = out.indexOf(e, at);
            assertTrue(i >= 0, "'" + e + "' after position " + at + " in\n" + out);
            at = i + e.length();
        }
        assertEquals(1, out.split("\\[tool] bash running", -1).length - 1, "a status change once, not per update:\n" + out);
        assertTrue(r.err().contains("the event stream ended; reconnecting"), r.err());
        assertTrue(r.err().contains("event stream reconnected"), r.err());
        assertEquals(2, eventConnections.get());
    }

    @Test
    void jsonPassesTheServersEventsThroughUnchanged() {
        Cli.Result r = cli().run("watch", SID, "--until-idle", "--keep-waiting", "--json");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        List<String> expected = new ArrayList<>();
        for (String e : events) {
            String data = e.substring("data: ".length());
            if (data.contains("\"type\":\"server.")) continue;
            expected.add(data);
            if (data.contains("\"type\":\"session.status\"") && data.contains("\"idle\"")) break;
        }
        assertEquals(expected, r.out().lines().toList());
        assertFalse(r.out().contains("[status]"));
    }
}

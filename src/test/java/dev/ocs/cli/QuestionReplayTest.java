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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.ocs.cli.WatchReplayTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * watch replaying the events a real 1.18.33 sent for a run that asked two questions and was answered (a typed
 * answer, then two options): the question and its answer are shown; --until-idle stops on the question.
 */
class QuestionReplayTest {
    static final String SID = "ses_dbd9eb98affedZlEqvD6tansY3";
    static final String QUE = "que_2426147d6001vKh59C2GFVuu3C";

    HttpServer server;
    final CountDownLatch done = new CountDownLatch(1);
    List<String> events;

    @BeforeEach
    void start() throws IOException {
        events = Arrays.stream(Fixtures.read("questions/question-answered.events.sse").split("\n\n"))
                .map(String::strip).filter(s -> s.startsWith("data: ")).toList();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            switch (ex.getRequestURI().getPath()) {
                case "/session/" + SID -> json(ex, "{\"id\":\"" + SID + "\",\"title\":\"replayed\",\"directory\":\"/p\","
                        + "\"time\":{\"created\":1,\"updated\":2}}");
                case "/session/" + SID + "/children", "/permission", "/question" -> json(ex, "[]");
                case "/session/" + SID + "/message" -> json(ex, Fixtures.read("questions/question-answered.messages.json"));
                case "/session/status" -> json(ex, "{\"" + SID + "\":{\"type\":\"busy\"}}");
                case "/event" -> stream(ex);
                default -> {
                    ex.sendResponseHeaders(404, -1);
                    ex.close();
                }
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    private void stream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String e : events) {
                out.write((e + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
            }
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | IOException e) {
            // the client went away
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
    void untilIdleStopsOnTheQuestionWithExit8AndTheAnswerCommand() {
        Cli.Result r = cli().run("watch", SID, "--until-idle", "--timeout", "20s");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        assertTrue(r.out().contains("[question] Database: Which database should the app use? [Postgres | SQLite]; "
                + "Runtime: Where should it run? [Docker | Local | Cloud] (several) (" + QUE + "); answer it: ocs --url "
                + url + " answer " + SID + " " + QUE + " --option Postgres --next --option Docker"), r.out());
        assertTrue(r.out().strip().endsWith("[--text TEXT | --reject]"), "it stops at the question:\n" + r.out());
        assertTrue(r.err().contains("ocs: waiting on question " + QUE), r.err());
    }

    @Test
    void keepWaitingShowsTheAnswerAndGoesOnToTheEnd() {
        Cli.Result r = cli().run("watch", SID, "--until-idle", "--keep-waiting", "--timeout", "20s");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        String out = r.out();
        int asked = out.indexOf("[question] Database:");
        int answered = out.indexOf("[question] " + QUE + " answered: my own: MariaDB; Docker, Cloud");
        int idle = out.indexOf("[status] idle");
        assertTrue(asked >= 0 && answered > asked && idle > answered, out);
        assertTrue(out.contains("Tool finished: User has answered your questions"), out);
    }

    @Test
    void keepWaitingGoesOnlyWithUntilIdle() {
        Cli.Result r = cli().run("watch", SID, "--keep-waiting");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: --keep-waiting goes with --until-idle"), r.err());
    }
}

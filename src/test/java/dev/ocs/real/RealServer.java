package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One real opencode server and stand-in model for the whole test run, started on first use and stopped when
 * the test JVM exits. A test that needs it and cannot get it fails with the reason; it is never skipped.
 */
public final class RealServer {
    private static StandInModel model;
    private static OpencodeServer server;
    private static RuntimeException startFailure;

    private RealServer() {}

    static synchronized OpencodeServer server() {
        if (server != null) return server;
        if (startFailure != null) fail("the real opencode server could not be started (see the first failure): " + startFailure.getMessage());
        try {
            model = StandInModel.start();
            server = OpencodeServer.start(model, new PrintWriter(System.err, true, StandardCharsets.UTF_8));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                model.close();
            }, "real-server-stop"));
            return server;
        } catch (Exception e) {
            if (model != null) model.close();
            startFailure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            return fail("these tests need a real opencode " + OpencodeServer.pinnedVersion()
                    + " (npm opencode-ai, installed into " + OpencodeServer.cacheRoot() + "): " + e.getMessage(), e);
        }
    }

    static StandInModel model() {
        server();
        return model;
    }

    /** The real command line, in-process, pointed at the server with its credentials. */
    static Cli cli() {
        OpencodeServer s = server();
        Cli cli = Cli.withUrl(s.url());
        s.env().forEach(cli::env);
        return cli;
    }

    static OpencodeClient api() {
        return server().client(Duration.ofSeconds(20));
    }

    static String createSession() {
        return Json.text(api().post("/session", null, Json.mapper().createObjectNode()), "id");
    }

    /** Sends a prompt the way any client would (not through ocs), to set up a situation for ocs to inspect. */
    static void prompt(String sid, String text, String model) {
        ObjectNode body = Json.mapper().createObjectNode();
        if (model != null) {
            int slash = model.indexOf('/');
            body.putObject("model").put("providerID", model.substring(0, slash)).put("modelID", model.substring(slash + 1));
        }
        body.putArray("parts").addObject().put("type", "text").put("text", text);
        api().post(OpencodeClient.path("session", sid, "prompt_async"), null, body);
    }

    static String session(String text, String model) {
        String sid = createSession();
        prompt(sid, text, model);
        return sid;
    }

    static JsonNode status(String sid) {
        return api().get("/session/status").path(sid);
    }

    /** Waits until the session's status satisfies {@code until}; a missing status means idle. */
    static JsonNode awaitStatus(String sid, Predicate<String> until, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            JsonNode st = status(sid);
            last = st.isMissingNode() ? "idle" : st.path("type").asText();
            if (until.test(last)) return st;
            sleep(200);
        }
        return fail("session " + sid + " still '" + last + "' after " + limit.toSeconds() + " s");
    }

    /**
     * Waits until the run is over: the newest message is a completed assistant message and, asked after that,
     * the session is idle (in that order: a session not yet busy is also missing from the status).
     */
    static void awaitIdle(String sid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode ms = api().get(OpencodeClient.path("session", sid, "message"));
            JsonNode last = ms.size() == 0 ? null : ms.get(ms.size() - 1).path("info");
            if (last != null && "assistant".equals(last.path("role").asText()) && last.path("time").has("completed")
                    && status(sid).isMissingNode()) return;
            sleep(200);
        }
        fail("session " + sid + " did not finish within 60 s");
    }

    /** Waits until the session holds {@code n} messages, the last one completed, and is idle. */
    static void awaitMessages(String sid, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode ms = api().get(OpencodeClient.path("session", sid, "message"));
            if (ms.size() >= n && ms.get(ms.size() - 1).path("info").path("time").has("completed")
                    && status(sid).isMissingNode()) return;
            sleep(200);
        }
        fail("session " + sid + " did not reach " + n + " completed messages within 60 s");
    }

    /** For a prompt that gets no assistant message at all: idle on two looks a second apart. */
    static void awaitSettled(String sid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (status(sid).isMissingNode()) {
                sleep(1000);
                if (status(sid).isMissingNode()) return;
            }
            sleep(200);
        }
        fail("session " + sid + " did not settle within 60 s");
    }

    static JsonNode awaitPermission(String sid) {
        return awaitPending("/permission", "permission", sid);
    }

    static JsonNode awaitQuestion(String sid) {
        return awaitPending("/question", "question", sid);
    }

    /** The session's first request in a list of pending ones, once there is one. */
    private static JsonNode awaitPending(String route, String what, String sid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode p : api().get(route)) {
                if (sid.equals(p.path("sessionID").asText())) return p;
            }
            sleep(200);
        }
        return fail("no " + what + " request for " + sid + " within 30 s");
    }

    static void abort(String sid) {
        api().post(OpencodeClient.path("session", sid, "abort"), null, Json.mapper().createObjectNode());
    }

    /** Stops a server that ocs started (serve-check --start), by the PID it printed, and makes sure it is gone. */
    static void stopStarted(Long pid) {
        if (pid == null) return;
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
        org.junit.jupiter.api.Assertions.assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                "server " + pid + " stopped");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

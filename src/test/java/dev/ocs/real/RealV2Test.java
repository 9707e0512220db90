package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ocs with {@code --api v2} on a real opencode 1.18.33, every request passing a recording proxy: the core calls
 * (health, create, get, list, prompt, messages, events, permissions and questions and their replies, interrupt)
 * use {@code /api} routes only, and the findings are those v1 gives for the same situations.
 */
class RealV2Test {
    static RecordingProxy proxy;
    /** The same server with its older routes answered 404 by the proxy: a 2.0 server as far as ocs can tell. */
    static RecordingProxy apiOnly;

    @BeforeAll
    static void start() throws IOException {
        proxy = new RecordingProxy(RealServer.server().url(), false);
        apiOnly = new RecordingProxy(RealServer.server().url(), true);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        apiOnly.close();
    }

    @BeforeEach
    void clear() {
        proxy.clear();
        apiOnly.clear();
    }

    static Cli cli(RecordingProxy through) {
        OpencodeServer s = RealServer.server();
        Cli cli = Cli.withUrl(s.url());
        s.env().forEach(cli::env);
        return cli.env("OCS_URL", through.url());
    }

    static Cli v2() {
        return cli(proxy).env("OCS_API", "v2");
    }

    /** Every request the proxy saw went to an {@code /api} route. */
    static void onlyApi(RecordingProxy p) {
        List<String> older = new ArrayList<>();
        for (String r : p.requests()) {
            if (!r.contains(" /api/")) {
                older.add(r);
            }
        }
        assertTrue(older.isEmpty(), "v1 routes used: " + older + " of " + p.requests());
        assertTrue(!p.requests().isEmpty(), "the proxy saw the requests");
    }

    static String sessionOf(Cli.Result r) {
        Matcher m = Pattern.compile("ses_[A-Za-z0-9]+").matcher(r.out() + r.err());
        if (!m.find()) fail("no session id in\n" + r);
        return m.group();
    }

    static String idOf(String prefix, Cli.Result r) {
        Matcher m = Pattern.compile(prefix + "_[A-Za-z0-9]+").matcher(r.out() + r.err());
        if (!m.find()) fail("no " + prefix + " id in\n" + r);
        return m.group();
    }

    static Set<String> codes(String sid) throws IOException {
        Cli.Result r = v2().run("inspect", "--json", sid);
        Set<String> codes = new TreeSet<>();
        Json.mapper().readTree(r.out()).path("findings").forEach(f -> codes.add(f.path("code").asText()));
        return codes;
    }

    /** Not running on two looks a second apart (v2 reports only running sessions). */
    static void awaitSettled(String sid) {
        OpencodeClient c = RealServer.server().client(Duration.ofSeconds(20));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!c.get("/api/session/active").path("data").has(sid)) {
                RealServer.sleep(1000);
                if (!c.get("/api/session/active").path("data").has(sid)) return;
            }
            RealServer.sleep(200);
        }
        fail(sid + " still running after 60 s");
    }

    static void awaitRunning(String sid) {
        OpencodeClient c = RealServer.server().client(Duration.ofSeconds(20));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.get("/api/session/active").path("data").has(sid)) return;
            RealServer.sleep(100);
        }
        fail(sid + " never ran");
    }

    /** Until the newest message is the model's, with a text part begun (v2 writes its text when it ends). */
    static void awaitText(String sid) {
        OpencodeClient c = RealServer.server().client(Duration.ofSeconds(20));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode newest = c.get(OpencodeClient.path("api", "session", sid, "message"),
                    OpencodeClient.query("order", "desc", "limit", "1")).path("data").path(0);
            if ("assistant".equals(newest.path("type").asText())
                    && "text".equals(newest.path("content").path(0).path("type").asText())) return;
            RealServer.sleep(100);
        }
        fail(sid + ": no text from the model within 30 s");
    }

    @Test
    void sendWaitPrintsTheReplyOverApiOnly() throws IOException {
        Cli.Result r = v2().run("send", "--wait", "hello over v2");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals(StandInModel.REPLY_PREFIX + "hello over v2\n", r.out());
        String sid = sessionOf(r);
        Cli.Result j = v2().run("send", "--wait", "--json", "-s", sid, "-m", OpencodeServer.MODEL, "again");
        assertEquals(ExitCode.OK, j.exitCode(), j.toString());
        JsonNode doc = Json.mapper().readTree(j.out());
        assertEquals(0, doc.path("findings").size(), j.out());
        assertEquals(2, doc.path("messages").size(), "this prompt's messages: " + j.out());
        assertEquals("again", doc.path("messages").get(0).path("parts").get(0).path("text").asText());
        onlyApi(proxy);
        Set<String> used = new TreeSet<>(proxy.requests());
        for (String route : List.of("POST /api/session", "POST /api/session/" + sid + "/prompt",
                "GET /api/event", "GET /api/session/" + sid + "/message", "POST /api/session/" + sid + "/model")) {
            assertTrue(used.contains(route), route + " in " + used);
        }
    }

    @Test
    void inspectFindsEachFailureAsV1Does() throws IOException {
        String empty = sessionOf(v2().run("send", "EMPTY"));
        String think = sessionOf(v2().run("send", "THINK"));
        String fail = sessionOf(v2().run("send", "FAIL"));
        String dead = sessionOf(v2().run("send", "-m", OpencodeServer.DEAD_MODEL, "hello"));
        // v2's stream says nothing at all of a run that never starts (no error, no idle): the server is asked soon
        long t0 = System.nanoTime();
        Cli.Result waited = v2().run("send", "--wait", "-m", "mock/no-such-model", "hello");
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ExitCode.FINDING, waited.exitCode(), waited.toString());
        assertTrue(waited.err().contains("no-reply"), waited.err());
        assertTrue(waitedMs < 20_000, "send --wait ended after " + waitedMs + " ms");
        String unknown = sessionOf(waited);
        for (String sid : List.of(empty, think, fail, dead, unknown)) {
            awaitSettled(sid);
        }
        proxy.clear();
        assertEquals(Set.of("stop-without-text"), codes(empty));
        assertEquals(Set.of("reasoning-exhausted"), codes(think));
        // v1 retries both for ever ("retrying"); the v2 engine gives up at once and records why on the message
        assertEquals(Set.of("message-error"), codes(fail));
        assertEquals(Set.of("message-error", "model-connect-failed", "zero-tokens"), codes(dead));
        assertEquals(Set.of("no-reply"), codes(unknown));
        Cli.Result human = v2().run("inspect", empty);
        assertEquals(ExitCode.FINDING, human.exitCode(), human.toString());
        onlyApi(proxy);
    }

    @Test
    void listShowsTheSessionsOverApiOnly() throws IOException {
        String sid = sessionOf(v2().run("send", "--wait", "to be listed"));
        proxy.clear();
        Cli.Result r = v2().run("list", "--json", "--limit", "200");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        boolean found = false;
        for (JsonNode s : Json.mapper().readTree(r.out()).path("sessions")) {
            found |= sid.equals(s.path("id").asText());
        }
        assertTrue(found, sid + " in " + r.out());
        Cli.Result text = v2().run("list");
        assertEquals(ExitCode.OK, text.exitCode(), text.toString());
        assertTrue(text.out().contains(sid), text.out());
        onlyApi(proxy);
    }

    @Test
    void approveAnswersAPermissionAndTheRunGoesOn() {
        Cli.Result r = v2().run("send", "--wait", "TOOL v2-approved.txt");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        String sid = sessionOf(r);
        String per = idOf("per", r);
        assertTrue(r.err().contains("permission-pending"), r.err());
        Cli.Result inspect = v2().run("inspect", sid);
        assertTrue(inspect.out().contains("waiting on permission to run bash"), inspect.toString());
        Cli.Result a = v2().run("approve", "--wait", sid, per);
        assertEquals(ExitCode.OK, a.exitCode(), a.toString());
        assertTrue(a.out().contains("Tool finished"), a.out());
        assertTrue(java.nio.file.Files.exists(RealServer.server().project().resolve("v2-approved.txt")));
        Cli.Result again = v2().run("approve", sid, per);
        assertEquals(ExitCode.NOT_FOUND, again.exitCode(), "no longer pending: " + again);
        onlyApi(proxy);
        assertTrue(proxy.requests().contains("POST /api/session/" + sid + "/permission/" + per + "/reply"),
                proxy.requests().toString());
    }

    @Test
    void answerRepliesToAQuestionAndTheRunGoesOn() {
        Cli.Result r = v2().run("send", "--wait", "QUESTION");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        String sid = sessionOf(r);
        String que = idOf("que", r);
        Cli.Result a = v2().run("answer", "--wait", sid, que, "--option", "SQLite");
        assertEquals(ExitCode.OK, a.exitCode(), a.toString());
        assertTrue(a.out().contains("\"SQLite\""), a.out());

        Cli.Result second = v2().run("send", "--wait", "-s", sid, "QUESTION");
        assertEquals(ExitCode.PERMISSION, second.exitCode(), second.toString());
        Cli.Result reject = v2().run("answer", sid, idOf("que", second), "--reject");
        assertEquals(ExitCode.OK, reject.exitCode(), reject.toString());
        onlyApi(proxy);
        assertTrue(proxy.requests().contains("POST /api/session/" + sid + "/question/" + que + "/reply"),
                proxy.requests().toString());
    }

    @Test
    void abortInterruptsARunAndInspectCallsItAborted() throws IOException {
        String sid = sessionOf(v2().run("send", "HANG"));
        awaitRunning(sid);
        awaitText(sid); // interrupted before its first step, a v2 run leaves no assistant message at all
        Cli.Result r = v2().run("abort", sid);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        awaitSettled(sid);
        assertEquals(Set.of("message-error"), codes(sid));
        Cli.Result json = v2().run("inspect", "--json", sid);
        assertEquals("MessageAbortedError", Json.mapper().readTree(json.out()).path("messages").get(1)
                .path("error").path("name").asText(), json.out());
        onlyApi(proxy);
        assertTrue(proxy.requests().contains("POST /api/session/" + sid + "/interrupt"), proxy.requests().toString());
    }

    @Test
    void watchShowsTheTextAsItIsWritten() {
        String prompt = "SLOW watched over v2 one two three four five";
        String sid = sessionOf(v2().run("send", prompt));
        Cli.Result r = v2().run("watch", sid, "--until-idle");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.out().contains(StandInModel.REPLY_PREFIX + prompt + "\n"), r.out());
        assertTrue(r.out().contains("[finish] stop"), r.out());
        assertTrue(r.out().endsWith("[status] idle\n"), r.out());
        onlyApi(proxy);
    }

    /** What /api lacks goes to the older route, said under -v; where the older routes are gone, exit 6 names it. */
    @Test
    void featuresWithoutAnApiRouteUseTheOlderOneWhileItLasts() {
        Cli.Result r = v2().run("-v", "send", "--wait", "--title", "titled over v2", "hello titled");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        String sid = sessionOf(r);
        assertTrue(r.err().contains("ocs: /api has no route to give a session a title on create"), r.err());
        assertTrue(proxy.requests().contains("PATCH /session/" + sid), proxy.requests().toString());
        assertEquals("titled over v2", RealServer.api().get("/session/" + sid).path("title").asText());

        // where the older routes are gone, the prompt still goes to the session made for it, untitled, and that is said
        Cli.Result untitled = cli(apiOnly).env("OCS_API", "v2").run("send", "--wait", "--title", "lost title",
                "hello untitled");
        assertEquals(ExitCode.OK, untitled.exitCode(), untitled.toString());
        assertTrue(untitled.out().contains("hello untitled"), untitled.toString());
        assertTrue(untitled.err().contains(" has no title: opencode at " + apiOnly.url() + " cannot give a session a "
                + "title on create"), untitled.err());

        Cli.Result gone = cli(apiOnly).env("OCS_API", "v2").run("todo", sid);
        assertEquals(ExitCode.SERVER_ERROR, gone.exitCode(), gone.toString());
        assertTrue(gone.err().startsWith("ocs: opencode at " + apiOnly.url() + " cannot read a session's todo list: "
                + "/api has no route for it and the older route is gone"), gone.err());
    }

    /**
     * The rest of a session's life over v2 on 1.18.33: todo, rename and delete through the older routes (which see
     * a v2 session's todo list and its info), models over /api; diff and fork refused with exit 6, since the older
     * routes do not see the messages of a run over /api and would answer "no changes" and an empty copy.
     */
    @Test
    void theRestOfASessionsLife() {
        Cli.Result wrote = v2().run("send", "--wait", "WRITE v2-life.txt one");
        assertEquals(ExitCode.OK, wrote.exitCode(), wrote.toString());
        String wsid = sessionOf(wrote);
        assertTrue(java.nio.file.Files.exists(RealServer.server().project().resolve("v2-life.txt")));
        Cli.Result diff = v2().run("diff", wsid);
        assertEquals(ExitCode.SERVER_ERROR, diff.exitCode(), diff.toString());
        assertTrue(diff.err().contains("cannot show the changes of a session run over /api")
                && diff.err().contains("files changed: v2-life.txt"), diff.err());
        Cli.Result fork = v2().run("fork", wsid);
        assertEquals(ExitCode.SERVER_ERROR, fork.exitCode(), fork.toString());
        assertTrue(fork.err().contains("cannot fork a session run over /api"), fork.err());
        Cli.Result export = v2().run("export", wsid);
        assertEquals(ExitCode.OK, export.exitCode(), export.toString());
        assertTrue(export.out().contains("WRITE v2-life.txt one") && export.out().contains("**Tool `write`**"),
                export.out());

        Cli.Result todo = v2().run("send", "--wait", "TODO v2");
        Cli.Result todos = v2().run("-v", "todo", sessionOf(todo));
        assertEquals(ExitCode.OK, todos.exitCode(), todos.toString());
        assertTrue(todos.out().contains("in_progress  medium  Test the parser on real sessions"), todos.out());
        assertTrue(todos.err().contains("ocs: /api has no route to read a session's todo list; using the older (v1) "
                + "route"), todos.err());

        Cli.Result rename = v2().run("rename", wsid, "v2 renamed");
        assertEquals(ExitCode.OK, rename.exitCode(), rename.toString());
        Cli.Result delete = v2().run("delete", "--yes", wsid);
        assertEquals(ExitCode.OK, delete.exitCode(), delete.toString());
        assertEquals(ExitCode.NOT_FOUND, v2().run("inspect", wsid).exitCode());

        Cli.Result models = v2().run("models");
        assertEquals(ExitCode.OK, models.exitCode(), models.toString());
        assertTrue(models.out().lines().anyMatch(l -> l.matches("mock/mock-model +Mock model +127\\.0\\.0\\.1:[0-9]+ +default")),
                models.out());
        Cli.Result doctor = v2().run("doctor");
        assertEquals(ExitCode.OK, doctor.exitCode(), doctor.toString());
        assertTrue(doctor.out().contains("the server did not say its version (GET /api/health reports none)"),
                doctor.out());
    }

    /** {@code auto} on a server whose older routes are gone: the first v1 call finds out, v2 from then on. */
    @Test
    void autoSpeaksV2WhereTheOlderRoutesAreGone() {
        Cli.Result r = cli(apiOnly).run("-v", "send", "--wait", "auto finds v2");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals(StandInModel.REPLY_PREFIX + "auto finds v2\n", r.out());
        assertTrue(r.err().contains("ocs: --api auto: the older routes are gone and /api answers; speaking v2"),
                r.err());
        List<String> older = apiOnly.requests().stream().filter(x -> !x.contains(" /api/")).toList();
        assertTrue(older.size() <= 3, "the older routes are tried once, not per call: " + apiOnly.requests());

        proxy.clear();
        Cli.Result v1 = cli(proxy).run("list");
        assertEquals(ExitCode.OK, v1.exitCode(), v1.toString());
        assertTrue(proxy.requests().stream().noneMatch(x -> x.contains(" /api/")),
                "auto asks nothing extra of a server that has the older routes: " + proxy.requests());
    }
}

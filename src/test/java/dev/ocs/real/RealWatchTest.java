package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ocs.real.RealServer.api;
import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** watch following live sessions on a real server. */
class RealWatchTest {
    static final Duration LIMIT = Duration.ofSeconds(60);

    /** Sends a prompt through ocs (which returns once the server is working on it) and gives the session id. */
    static String sendNoWait(String prompt) {
        Cli.Result r = cli().run("send", prompt);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        return r.out().strip();
    }

    @Test
    void untilIdleShowsTheTextAsItIsWrittenAndExitsAsInspect() {
        String prompt = "SLOW watch this one two three four five six seven eight";
        String sid = sendNoWait(prompt);
        Cli.Result r = cli().run("watch", sid, "--until-idle");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("[status] busy\n"), out);
        assertTrue(out.contains(StandInModel.REPLY_PREFIX + prompt + "\n"), "the whole answer, once: " + out);
        assertEquals(1, out.split(Pattern.quote(StandInModel.REPLY_PREFIX), -1).length - 1, out);
        assertTrue(out.contains("[finish] stop"), out);
        assertTrue(out.endsWith("[status] idle\n"), out);
        assertTrue(r.err().contains("ocs: watching " + sid), r.err());
        assertFalse(out.contains("\u001b["), "no colour off a terminal");
    }

    @Test
    void untilIdleOnAnIdleSessionEndsAtOnceWithInspectsExitCode() {
        String sid = RealServer.session("EMPTY", null);
        awaitIdle(sid);
        Cli.Result r = cli().run("watch", "--until-idle", sid);
        assertEquals(ExitCode.FINDING, r.exitCode(), "stop-without-text, as inspect says: " + r);
        assertEquals("[status] idle\n", r.out());
        assertTrue(r.err().contains("stop-without-text"), r.err());
        assertEquals(ExitCode.FINDING, cli().run("inspect", sid).exitCode());
    }

    @Test
    void jsonWritesTheServersEventsForTheSessionOnePerLine() throws IOException {
        String sid = sendNoWait("SLOW json events please");
        Cli.Result r = cli().run("watch", sid, "--until-idle", "--json");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        Set<String> types = new HashSet<>();
        List<String> lines = r.out().lines().toList();
        assertFalse(lines.isEmpty(), r.toString());
        for (String line : lines) {
            JsonNode e = Json.mapper().readTree(line);
            assertTrue(e.path("id").asText().startsWith("evt_"), "the server's own event: " + line);
            assertEquals(sid, e.path("properties").path("sessionID").asText(), "only this session's: " + line);
            types.add(e.path("type").asText());
        }
        assertTrue(types.containsAll(Set.of("message.part.delta", "message.part.updated", "session.status")), types.toString());
        JsonNode last = Json.mapper().readTree(lines.get(lines.size() - 1));
        assertEquals("idle", last.path("properties").path("status").path("type").asText(), "ends with the idle status");
    }

    @Test
    void aPermissionShowsTheApproveCommandAndWatchKeepsWaitingUntilItIsAnswered() throws Exception {
        String sid = sendNoWait("TOOL watched-tool.txt");
        try (OcsProcess watch = OcsProcess.start("watch", sid, "--until-idle", "--keep-waiting")) {
            watch.awaitOut("approve " + sid + " per_", LIMIT);
            Matcher m = Pattern.compile("\\[permission] bash: echo approved > watched-tool.txt \\((per_[A-Za-z0-9]+)\\); "
                    + "answer it: ocs --url \\S+ approve " + sid + " (per_[A-Za-z0-9]+)").matcher(watch.out());
            assertTrue(m.find(), watch.toString());
            assertEquals(m.group(1), m.group(2));
            Cli.Result a = cli().run("approve", sid, m.group(1));
            assertEquals(ExitCode.OK, a.exitCode(), a.toString());
            assertEquals(ExitCode.OK, watch.waitFor(LIMIT), watch.toString());
            String out = watch.out();
            assertTrue(out.contains("[permission] " + m.group(1) + " answered: once"), out);
            assertTrue(out.contains("[tool] bash completed: echo approved > watched-tool.txt"), out);
            assertTrue(out.contains("Tool finished:"), out);
            assertTrue(out.endsWith("[status] idle\n"), out);
            assertEquals("approved\n", Files.readString(RealServer.server().project().resolve("watched-tool.txt")));
        }
    }

    @Test
    void childSessionsAreFollowedAndCtrlCEndsWith130() throws Exception {
        String parent = Json.text(api().post("/session", null, Json.mapper().createObjectNode().put("title", "watched parent")), "id");
        try (OcsProcess watch = OcsProcess.start("watch", parent)) {
            watch.awaitErr("ocs: watching " + parent, LIMIT);
            watch.awaitOut("[status] idle", LIMIT);
            ObjectNode body = Json.mapper().createObjectNode().put("title", "watched child").put("parentID", parent);
            String child = Json.text(api().post("/session", null, body), "id");
            RealServer.prompt(child, "TOOL child-tool.txt", null);
            JsonNode perm = RealServer.awaitPermission(child);
            String pid = perm.path("id").asText();
            watch.awaitOut("approve " + child + " " + pid, LIMIT);
            cli().run("approve", child, pid, "--reject");
            watch.awaitOut("[status] idle (in " + child + ")", LIMIT);
            watch.interrupt();
            assertEquals(ExitCode.INTERRUPTED, watch.waitFor(LIMIT), watch.toString());
            String out = watch.out();
            assertTrue(out.contains("[child] " + child + " started: watched child"), out);
            assertTrue(out.contains("[tool] bash pending (in " + child + ")") || out.contains("[tool] bash running: echo approved > child-tool.txt (in " + child + ")"), out);
            assertTrue(out.contains("[permission] " + pid + " answered: reject (in " + child + ")"), out);
            assertTrue(watch.err().contains("stopped watching " + parent), watch.err());
            assertFalse(watch.err().contains("Exception"), watch.err());
        }
    }

    @Test
    void aSessionDeletedWhileWatchedEndsWith5() throws Exception {
        String sid = Json.text(api().post("/session", null, Json.mapper().createObjectNode().put("title", "to be deleted")), "id");
        try (OcsProcess watch = OcsProcess.start("watch", sid)) {
            watch.awaitErr("ocs: watching " + sid, LIMIT);
            var s = RealServer.server();
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url() + "/session/" + sid)).DELETE()
                            .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                    ("opencode:" + s.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(ExitCode.NOT_FOUND, watch.waitFor(LIMIT), watch.toString());
            assertTrue(watch.out().contains("[status] session deleted"), watch.toString());
            assertTrue(watch.err().contains("ocs: " + sid + " was deleted while it was watched"), watch.err());
        }
    }

    @Test
    void anUnknownSessionIsNotFoundBeforeAnythingElse() {
        Cli.Result r = cli().run("watch", "ses_00000000000000000000000000", "--until-idle");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Cli.Result bad = cli().run("watch", "not-a-session");
        assertEquals(ExitCode.USAGE, bad.exitCode(), bad.toString());
    }

    @Test
    void timeoutEndsWith7AndLeavesTheSessionAlone() {
        String sid = RealServer.session("HANG while watched", null);
        try {
            RealServer.awaitStatus(sid, "busy"::equals, Duration.ofSeconds(30));
            Cli.Result r = cli().run("watch", sid, "--until-idle", "--timeout", "2s");
            assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
            assertTrue(r.err().contains("stopped watching " + sid + " after 2s"), r.err());
            assertEquals("busy", RealServer.status(sid).path("type").asText(), "still running");
        } finally {
            RealServer.abort(sid);
        }
    }
}

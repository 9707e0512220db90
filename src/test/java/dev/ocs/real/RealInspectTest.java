package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static dev.ocs.real.RealServer.abort;
import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.awaitPermission;
import static dev.ocs.real.RealServer.awaitSettled;
import static dev.ocs.real.RealServer.awaitStatus;
import static dev.ocs.real.RealServer.cli;
import static dev.ocs.real.RealServer.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each situation made on a real opencode server through its HTTP API, then inspected by the real command line. */
class RealInspectTest {

    record Inspected(Cli.Result human, Cli.Result json, JsonNode doc) {
        Set<String> codes() {
            Set<String> s = new TreeSet<>();
            doc.path("findings").forEach(f -> s.add(f.path("code").asText()));
            return s;
        }

        JsonNode finding(String code) {
            for (JsonNode f : doc.path("findings")) {
                if (code.equals(f.path("code").asText())) return f;
            }
            throw new AssertionError("no finding " + code + " in " + doc.path("findings"));
        }
    }

    static Inspected inspect(String sid, String... extra) throws IOException {
        String[] human = new String[extra.length + 2];
        human[0] = "inspect";
        human[1] = sid;
        System.arraycopy(extra, 0, human, 2, extra.length);
        String[] json = new String[human.length + 1];
        System.arraycopy(human, 0, json, 0, human.length);
        json[human.length] = "--json";
        Cli.Result h = cli().run(human);
        Cli.Result j = cli().run(json);
        assertEquals(h.exitCode(), j.exitCode(), "the same exit code with and without --json\n" + h + "\n" + j);
        assertFalse(h.err().contains("\tat "), h.toString());
        JsonNode doc = Json.mapper().readTree(j.out());
        assertEquals(sid, doc.path("session").path("id").asText());
        return new Inspected(h, j, doc);
    }

    @Test
    void aNormalSessionHasNoFindings() throws IOException {
        String sid = session("hello there", null);
        awaitIdle(sid);
        Inspected r = inspect(sid);
        assertEquals(ExitCode.OK, r.human().exitCode(), r.human().toString());
        assertEquals(Set.of(), r.codes());
        assertTrue(r.human().out().contains("No findings"), r.human().out());
        assertTrue(r.human().out().contains(StandInModel.REPLY_PREFIX + "hello there"), r.human().out());
        assertEquals("stop", r.doc().path("messages").get(1).path("finish").asText());
        assertTrue(r.doc().path("messages").get(1).path("tokens").path("input").asLong() > 0);
    }

    @Test
    void lastFetchesOnlyTheNewestMessages() throws IOException {
        String sid = session("first", null);
        awaitIdle(sid);
        RealServer.prompt(sid, "second", null);
        RealServer.awaitMessages(sid, 4);
        Inspected all = inspect(sid);
        Inspected last = inspect(sid, "--last", "1");
        assertEquals(4, all.doc().path("messages").size(), all.json().out());
        assertEquals(1, last.doc().path("messages").size());
        assertEquals("assistant", last.doc().path("messages").get(0).path("role").asText());
        assertEquals(ExitCode.OK, last.human().exitCode(), last.human().toString());
    }

    @Test
    void anEmptyReplyIsStopWithoutText() throws IOException {
        String sid = session("EMPTY", null);
        awaitIdle(sid);
        Inspected r = inspect(sid);
        assertEquals(Set.of("stop-without-text"), r.codes());
        assertEquals(ExitCode.FINDING, r.human().exitCode());
        assertTrue(r.finding("stop-without-text").path("summary").asText().contains("empty reply"));
        assertTrue(r.human().out().contains("stop-without-text"), r.human().out());
    }

    @Test
    void allReasoningWithFinishLengthIsReasoningExhausted() throws IOException {
        String sid = session("THINK about it", null);
        awaitIdle(sid);
        Inspected r = inspect(sid);
        assertEquals(Set.of("reasoning-exhausted"), r.codes());
        assertEquals("error", r.finding("reasoning-exhausted").path("severity").asText());
        assertTrue(r.finding("reasoning-exhausted").path("evidence").toString().contains("3990"));
        assertEquals(ExitCode.FINDING, r.human().exitCode());
        // the reasoning is sized, not shown, unless asked for
        assertFalse(r.human().out().contains("step 1."), r.human().out());
        assertTrue(cli().run("inspect", sid, "--thinking").out().contains("step 1."));
    }

    @Test
    void aToolWaitingOnPermissionIsPermissionPending() throws IOException {
        String sid = session("TOOL pending.txt", null);
        JsonNode request = awaitPermission(sid);
        String pid = request.path("id").asText();
        try {
            Inspected r = inspect(sid);
            assertEquals(Set.of("permission-pending"), r.codes());
            assertEquals(ExitCode.PERMISSION, r.human().exitCode(), r.human().toString());
            assertTrue(r.human().out().contains("approve " + sid + " " + pid), r.human().out());
            assertTrue(r.finding("permission-pending").path("evidence").toString().contains("echo approved > pending.txt"));
        } finally {
            cli().run("approve", sid, pid, "--reject");
        }
    }

    @Test
    void anUnreachableProviderIsOneHeadlineWithItsRetryMessage() throws IOException {
        String sid = session("hello", OpencodeServer.DEAD_MODEL);
        try {
            awaitStatus(sid, "retry"::equals, Duration.ofSeconds(30));
            Inspected r = inspect(sid);
            assertTrue(r.codes().containsAll(Set.of("model-connect-failed", "retrying")), r.codes().toString());
            assertEquals(ExitCode.FINDING, r.human().exitCode());
            assertTrue(r.json().out().contains("Cannot connect to API"), r.json().out());
            String out = r.human().out();
            assertTrue(out.contains("model failed to connect"), out);
            assertEquals(1, out.split("model failed to connect", -1).length - 1, "one headline:\n" + out);
        } finally {
            abort(sid);
        }
    }

    @Test
    void anUpstreamErrorIsRetryingButNotAConnectFailure() throws IOException {
        String sid = session("FAIL please", null);
        try {
            awaitStatus(sid, "retry"::equals, Duration.ofSeconds(30));
            Inspected r = inspect(sid);
            assertTrue(r.codes().contains("retrying"), r.codes().toString());
            assertFalse(r.codes().contains("model-connect-failed"), "the provider answered: " + r.codes());
            assertTrue(r.finding("retrying").toString().contains("stand-in upstream failure"), r.finding("retrying").toString());
            assertEquals(ExitCode.FINDING, r.human().exitCode());
        } finally {
            abort(sid);
        }
    }

    @Test
    void anAbortedRunIsAMessageError() throws IOException {
        String sid = session("HANG here", null);
        awaitStatus(sid, "busy"::equals, Duration.ofSeconds(30));
        RealServer.sleep(500);
        abort(sid);
        awaitIdle(sid);
        Inspected r = inspect(sid);
        assertTrue(r.codes().contains("message-error"), r.codes().toString());
        assertTrue(r.finding("message-error").toString().contains("MessageAbortedError"));
        assertFalse(r.codes().contains("zero-tokens"), "the model had answered before the abort: " + r.codes());
        assertFalse(r.codes().contains("model-connect-failed"), r.codes().toString());
        assertEquals(ExitCode.FINDING, r.human().exitCode());
    }

    @Test
    void anUnknownModelLeavesNoReply() throws IOException {
        String sid = session("hello", "mock/no-such-model");
        awaitSettled(sid);
        Inspected r = inspect(sid);
        assertEquals(Set.of("no-reply"), r.codes());
        assertTrue(r.finding("no-reply").toString().contains("no-such-model"), r.finding("no-reply").toString());
        assertTrue(r.human().out().contains("send --wait"), r.human().out());
        assertEquals(ExitCode.FINDING, r.human().exitCode());
    }

    @Test
    void anUnknownSessionIsNotFound() {
        Cli.Result r = cli().run("inspect", "ses_00000000000000000000000000");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: no session ses_00000000000000000000000000 on http://127.0.0.1:"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}

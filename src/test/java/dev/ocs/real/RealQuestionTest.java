package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.awaitPermission;
import static dev.ocs.real.RealServer.awaitQuestion;
import static dev.ocs.real.RealServer.cli;
import static dev.ocs.real.RealServer.session;
import static dev.ocs.real.RealSendTest.sessionOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run that waits on a question (the stand-in model calls opencode's question tool) on a real server: seen by
 * send --wait, inspect, list and watch, answered with ocs answer, and answered on its own with --on-question.
 */
class RealQuestionTest {
    /** The tool results the stand-in model received in calls whose prompt holds {@code marker}. */
    static List<String> toolResults(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        for (String raw : RealServer.model().requests()) {
            if (!raw.contains(marker)) continue;
            JsonNode body = Json.mapper().readTree(raw);
            for (JsonNode m : body.path("messages")) {
                if ("tool".equals(m.path("role").asText())) {
                    JsonNode c = m.path("content");
                    found.add(c.isTextual() ? c.asText() : c.toString());
                }
            }
        }
        return found;
    }

    @Test
    void sendWaitStopsOnAQuestionWithExit8AndTheAnswerCommand() {
        long start = System.nanoTime();
        Cli.Result r = cli().run("send", "--wait", "--timeout", "2m", "QUESTION send-wait");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        assertTrue(seconds < 30, "stopped within seconds, not at the timeout: " + seconds + " s");
        String sid = sessionOf(r);
        String que = awaitQuestion(sid).path("id").asText();
        assertTrue(r.err().contains("question-pending"), r.toString());
        assertTrue(r.err().contains("answer " + sid + " " + que + " --option Postgres"), r.toString());
        RealServer.abort(sid);
    }

    @Test
    void sendWaitJsonHasTheQuestionInTheReportAndTheCommandOnStderr() throws IOException {
        Cli.Result r = cli().run("send", "--wait", "--json", "--timeout", "2m", "QUESTION send-wait-json");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        JsonNode doc = Json.mapper().readTree(r.out());
        String que = doc.path("questions").get(0).path("id").asText();
        assertTrue(que.startsWith("que_"), r.out());
        assertEquals(8, doc.path("exitCode").asInt());
        String sid = doc.path("session").path("id").asText();
        assertEquals(1, r.err().lines().filter(l -> l.contains("answer " + sid + " " + que)).count(),
                "the answer command, once, on stderr: " + r.err());
        RealServer.abort(sid);
    }

    @Test
    void inspectAndListShowThePendingQuestion() throws IOException {
        String sid = session("QUESTIONS inspect-me", null);
        String que = awaitQuestion(sid).path("id").asText();

        Cli.Result human = cli().run("inspect", sid);
        assertEquals(ExitCode.PERMISSION, human.exitCode(), human.toString());
        assertTrue(human.out().contains("question-pending") && human.out().contains(que), human.out());
        assertTrue(human.out().contains("waiting on 1 question"), human.out());

        Cli.Result json = cli().run("inspect", "--json", sid);
        assertEquals(ExitCode.PERMISSION, json.exitCode(), json.toString());
        JsonNode doc = Json.mapper().readTree(json.out());
        assertEquals(8, doc.path("exitCode").asInt());
        assertEquals("question-pending", doc.path("findings").get(0).path("code").asText(), json.out());
        JsonNode q = doc.path("questions").get(0);
        assertEquals(que, q.path("id").asText());
        assertEquals(sid, q.path("sessionID").asText());
        assertEquals(2, q.path("questions").size());
        JsonNode first = q.path("questions").get(0);
        assertEquals(StandInModel.QUESTION_HEADER, first.path("header").asText());
        assertFalse(first.path("multiple").asBoolean());
        assertTrue(first.path("custom").asBoolean(), "the server's default: a typed answer is allowed");
        assertEquals("Postgres", first.path("options").get(0).path("label").asText());
        assertEquals("One file, no server", first.path("options").get(1).path("description").asText());
        assertTrue(q.path("questions").get(1).path("multiple").asBoolean());

        Cli.Result list = cli().run("list", "--busy", "--json");
        assertEquals(ExitCode.OK, list.exitCode(), list.toString());
        boolean found = false;
        for (JsonNode s : Json.mapper().readTree(list.out()).path("sessions")) {
            if (sid.equals(s.path("id").asText())) {
                assertEquals("question", s.path("status").asText(), list.out());
                assertEquals(que, s.path("questions").get(0).path("id").asText());
                found = true;
            }
        }
        assertTrue(found, "list --busy keeps a session waiting on a question: " + list.out());
        Cli.Result table = cli().run("list");
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith(sid) && l.contains("question")), table.out());
        RealServer.abort(sid);
    }

    @Test
    void answerWithAnOptionResumesTheRunAndTheModelGetsTheLabel() throws IOException {
        String sid = session("QUESTION answer-option", null);
        awaitQuestion(sid);
        Cli.Result unknown = cli().run("answer", sid, "--option", "Oracle");
        assertEquals(ExitCode.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("Postgres | SQLite"), "the options are listed: " + unknown.err());

        Cli.Result r = cli().run("answer", sid, "--option", "sql", "--wait");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.out().contains("=\"SQLite\""), "the resumed run's answer: " + r.out());
        assertTrue(toolResults("answer-option").stream().anyMatch(t -> t.contains("=\"SQLite\"")),
                "the chosen label reached the model in the tool result: " + toolResults("answer-option"));
    }

    @Test
    void severalQuestionsTakeTheirAnswersInOrderWithNext() throws IOException {
        String sid = session("QUESTIONS answer-next", null);
        awaitQuestion(sid);
        Cli.Result r = cli().run("answer", sid, "-o", "POSTGRES", "--next", "--text", "in a \"VM\" ✓", "-o", "Dock");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        awaitIdle(sid);
        assertTrue(toolResults("answer-next").stream()
                        .anyMatch(t -> t.contains("=\"Postgres\"") && t.contains("in a \"VM\" ✓, Docker")),
                "both answers, the typed one unchanged: " + toolResults("answer-next"));
    }

    @Test
    void answerRejectEndsTheRun() {
        String sid = session("QUESTION answer-reject", null);
        awaitQuestion(sid);
        Cli.Result r = cli().run("answer", sid, "--reject", "--wait", "--timeout", "1m");
        assertEquals(ExitCode.FINDING, r.exitCode(), "the run ends on the declined question: " + r);
        assertTrue(r.err().contains("declined"), r.toString());
        assertTrue(RealServer.status(sid).isMissingNode(), "the session is idle");
        Cli.Result again = cli().run("answer", sid, "--option", "Postgres");
        assertEquals(ExitCode.NOT_FOUND, again.exitCode(), "nothing pending any more: " + again);
    }

    @Test
    void onQuestionFirstAnswersOnItsOwn() throws IOException {
        Cli.Result r = cli().run("send", "--wait", "--timeout", "2m", "--on-question", "first", "QUESTIONS on-first");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.err().contains("with the first options: Postgres; Docker"), r.toString());
        assertTrue(r.out().contains("=\"Postgres\"") && r.out().contains("=\"Docker\""), r.out());
        assertTrue(toolResults("on-first").stream().anyMatch(t -> t.contains("=\"Docker\"")), "reached the model");
    }

    @Test
    void watchUntilIdleEndsWithExit8OnAQuestionAndOnAPermission() {
        String sid = session("QUESTION watch-question", null);
        String que = awaitQuestion(sid).path("id").asText();
        Cli.Result q = cli().run("watch", "--until-idle", "--timeout", "1m", sid);
        assertEquals(ExitCode.PERMISSION, q.exitCode(), q.toString());
        assertTrue(q.out().contains("[question]") && q.out().contains(que) && q.out().contains("Postgres | SQLite"),
                q.out());
        assertTrue(q.err().contains("answer " + sid + " " + que), q.toString());
        RealServer.abort(sid);

        String tool = session("TOOL watch-permission.txt", null);
        String per = awaitPermission(tool).path("id").asText();
        Cli.Result p = cli().run("watch", "--until-idle", "--timeout", "1m", tool);
        assertEquals(ExitCode.PERMISSION, p.exitCode(), p.toString());
        assertTrue(p.out().contains("[permission]") && p.err().contains("approve " + tool + " " + per), p.toString());
        RealServer.abort(tool);
    }

    @Test
    void watchShowsTheQuestionAndItsAnswerAndKeepsWaitingWhenAsked() throws Exception {
        String sid = session("QUESTION watch-answered", null);
        String que = awaitQuestion(sid).path("id").asText();
        try (OcsProcess watch = OcsProcess.start("watch", sid, "--until-idle", "--keep-waiting")) {
            watch.awaitOut("[question] Database: Which database should the app use? [Postgres | SQLite] (" + que
                    + "); answer it: ", Duration.ofSeconds(30));
            Cli.Result a = cli().run("answer", sid, que, "-o", "postgres");
            assertEquals(ExitCode.OK, a.exitCode(), a.toString());
            assertEquals(ExitCode.OK, watch.waitFor(Duration.ofSeconds(60)), watch.toString());
            assertTrue(watch.out().contains("[question] " + que + " answered: Postgres"), watch.out());
            assertTrue(watch.out().endsWith("[status] idle\n"), watch.out());
        }
    }
}

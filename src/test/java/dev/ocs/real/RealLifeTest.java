package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.ocs.real.RealServer.api;
import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.awaitMessages;
import static dev.ocs.real.RealServer.cli;
import static dev.ocs.real.RealServer.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rest of a session's life on a real server: its diff (taken by git apply), its todo list, fork, rename and
 * delete, waiting on several sessions, budgets, and the export.
 */
class RealLifeTest {
    private static String unique(String stem) {
        return stem + "-" + Long.toString(System.nanoTime(), 36) + ".txt";
    }

    private static List<String> userMessages(String sid) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : api().get(OpencodeClient.path("session", sid, "message"))) {
            if ("user".equals(m.path("info").path("role").asText())) ids.add(m.path("info").path("id").asText());
        }
        return ids;
    }

    /** Runs a command in {@code dir}; answers its exit code and what it printed. */
    private static String[] run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) fail(String.join(" ", cmd) + " did not end");
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void theDiffOfTwoTurnsIsAPatchThatGitApplyAndPatchTake() throws Exception {
        String file = unique("life-diff");
        String sid = session("WRITE " + file + " first version", null);
        awaitIdle(sid);
        RealServer.prompt(sid, "WRITE " + file + " second version", null);
        awaitMessages(sid, 6);

        Cli.Result diff = cli().run("diff", sid);
        assertEquals(ExitCode.OK, diff.exitCode(), diff.toString());
        assertTrue(diff.out().contains("diff --git a/" + file + " b/" + file + "\nnew file mode 100644\n--- /dev/null\n+++ b/"
                + file + "\n@@ -0,0 +1,1 @@\n+first version\n"), diff.out());
        assertTrue(diff.out().contains("--- a/" + file + "\n+++ b/" + file + "\n@@ -1,1 +1,1 @@\n-first version\n+second version\n"),
                diff.out());
        assertFalse(diff.out().contains("Index:"), diff.out());

        // Taken by git apply and by patch in a checkout without the session's changes: the file comes out as the
        // session left it.
        for (String tool : List.of("git", "patch")) {
            Path repo = Files.createTempDirectory("ocs-apply-");
            try {
                run(repo, "git", "init", "-q");
                Path patch = repo.resolve("session.patch");
                Files.writeString(patch, diff.out());
                // (patch --dry-run cannot check it: it does not keep the file the first turn adds for the second)
                if (tool.equals("git")) {
                    String[] check = run(repo, "git", "apply", "--check", "session.patch");
                    assertEquals("0", check[0], "git apply --check refused the diff: " + check[1] + "\n" + diff.out());
                }
                String[] applied = tool.equals("git") ? run(repo, "git", "apply", "session.patch")
                        : run(repo, "patch", "-p1", "-i", "session.patch");
                assertEquals("0", applied[0], tool + " refused the diff: " + applied[1] + "\n" + diff.out());
                assertEquals("second version\n", Files.readString(repo.resolve(file)));
            } finally {
                run(repo.getParent(), "rm", "-rf", repo.toString());
            }
        }

        Cli.Result stat = cli().run("diff", "--stat", sid);
        assertEquals(ExitCode.OK, stat.exitCode(), stat.toString());
        assertTrue(stat.out().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(file) + " +\\+2 +-1 +added")),
                stat.out());

        JsonNode doc = Json.mapper().readTree(cli().run("--json", "diff", sid).out());
        assertEquals(sid, doc.path("sessionID").asText());
        JsonNode mine = null;
        for (JsonNode f : doc.path("files")) if (f.path("file").asText().equals(file)) mine = f;
        assertTrue(mine != null, doc.toString());
        assertEquals("added", mine.path("status").asText());
        assertEquals(2, mine.path("additions").asInt());
        assertEquals(1, mine.path("deletions").asInt());
        assertEquals(userMessages(sid), doc.path("turns").findValuesAsText("messageID"));
    }

    @Test
    void aSessionWithoutChangesHasAnEmptyDiff() {
        String sid = session("no changes here", null);
        awaitIdle(sid);
        Cli.Result r = cli().run("diff", sid);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains(sid + " changed no files"), r.err());
    }

    @Test
    void theTodoListTheModelWroteWithStatusAndPriority() throws IOException {
        String sid = session("TODO for the life test", null);
        awaitIdle(sid);
        Cli.Result r = cli().run("todo", sid);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("completed    high    Write the parser\n"
                + "in_progress  medium  Test the parser on real sessions\n"
                + "pending      low     Document the parser\n", r.out());
        assertTrue(r.err().contains("1 of 3 done"), r.err());

        JsonNode doc = Json.mapper().readTree(cli().run("--json", "todo", sid).out());
        JsonNode todos = doc.path("todos");
        assertEquals(3, todos.size(), doc.toString());
        for (int i = 0; i < 3; i++) {
            for (String field : List.of("content", "status", "priority")) {
                assertEquals(StandInModel.todos().get(i).path(field).asText(), todos.get(i).path(field).asText());
            }
        }

        String empty = RealServer.createSession();
        Cli.Result none = cli().run("todo", empty);
        assertEquals(ExitCode.OK, none.exitCode(), none.toString());
        assertEquals("", none.out());
        assertEquals(ExitCode.NOT_FOUND, cli().run("todo", "ses_doesNotExist42").exitCode());
    }

    @Test
    void forkAtAMessageRenameAndDelete() throws IOException {
        String sid = session("first prompt of the fork test", null);
        awaitIdle(sid);
        RealServer.prompt(sid, "second prompt of the fork test", null);
        awaitMessages(sid, 4);
        String second = userMessages(sid).get(1);

        Cli.Result whole = cli().run("fork", sid);
        assertEquals(ExitCode.OK, whole.exitCode(), whole.toString());
        String copy = whole.out().strip();
        assertTrue(copy.matches("ses_[A-Za-z0-9]+") && !copy.equals(sid), whole.out());
        assertEquals(4, api().get(OpencodeClient.path("session", copy, "message")).size());

        Cli.Result at = cli().run("--json", "fork", sid, "--at", second);
        assertEquals(ExitCode.OK, at.exitCode(), at.toString());
        String before = Json.mapper().readTree(at.out()).path("sessionID").asText();
        JsonNode kept = api().get(OpencodeClient.path("session", before, "message"));
        assertEquals(2, kept.size(), "only the turn before the message: " + kept);
        assertEquals("first prompt of the fork test", kept.get(0).path("parts").get(0).path("text").asText());

        Cli.Result unknown = cli().run("fork", sid, "--at", "msg_notInThisSession1");
        assertEquals(ExitCode.NOT_FOUND, unknown.exitCode(), unknown.toString());

        String title = "Renamed \"fork\" – ünïcode ✓ 'quotes'";
        Cli.Result rename = cli().run("rename", before, title);
        assertEquals(ExitCode.OK, rename.exitCode(), rename.toString());
        assertEquals(title, api().get(OpencodeClient.path("session", before)).path("title").asText());
        assertEquals(ExitCode.NOT_FOUND, cli().run("rename", "ses_doesNotExist42", "x").exitCode());

        // Not on a terminal and no --yes: nothing is deleted.
        Cli.Result refused = cli().run("delete", copy, before);
        assertEquals(ExitCode.USAGE, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("--yes"), refused.err());
        // One id that does not exist: nothing is deleted either.
        Cli.Result missing = cli().run("delete", "--yes", copy, "ses_doesNotExist42", before);
        assertEquals(ExitCode.NOT_FOUND, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("ses_doesNotExist42"), missing.err());
        assertEquals(copy, api().get(OpencodeClient.path("session", copy)).path("id").asText());
        assertEquals(before, api().get(OpencodeClient.path("session", before)).path("id").asText());

        Cli.Result deleted = cli().run("delete", "--yes", copy, before);
        assertEquals(ExitCode.OK, deleted.exitCode(), deleted.toString());
        assertEquals("deleted " + copy + "\ndeleted " + before + "\n", deleted.out());
        for (String gone : List.of(copy, before)) {
            assertEquals(ExitCode.NOT_FOUND, cli().run("inspect", gone).exitCode());
        }
    }

    @Test
    void aBusySessionIsDeletedOnlyWithForce() {
        String sid = session("HANG until deleted", null);
        RealServer.awaitStatus(sid, "busy"::equals, java.time.Duration.ofSeconds(30));
        Cli.Result refused = cli().run("delete", "--yes", sid);
        assertEquals(ExitCode.USAGE, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains(sid + " (busy)") && refused.err().contains("--force"), refused.err());
        assertEquals(sid, api().get(OpencodeClient.path("session", sid)).path("id").asText());

        Cli.Result forced = cli().run("delete", "--yes", "--force", sid);
        assertEquals(ExitCode.OK, forced.exitCode(), forced.toString());
        assertEquals(ExitCode.NOT_FOUND, cli().run("inspect", sid).exitCode());
    }

    @Test
    void waitOnThreeSessionsOfDifferentLengths() throws IOException {
        String slow = session("SLOW wait-all", null);
        String quick = session("quick wait-all", null);
        String steps = session("STEPS 2 wait-all", null);
        long start = System.nanoTime();
        Cli.Result r = cli().run("wait", slow, quick, steps);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).matches(slow + " +idle +-"), r.out());
        assertTrue(lines.get(1).matches(quick + " +idle +-"), r.out());
        assertTrue(lines.get(2).matches(steps + " +idle +-"), r.out());
        assertTrue(seconds < 60, "all over within a minute: " + seconds);
        for (String sid : List.of(slow, quick, steps)) {
            assertTrue(RealServer.status(sid).isMissingNode(), sid + " is idle on the server");
        }

        JsonNode doc = Json.mapper().readTree(cli().run("--json", "wait", slow, quick, steps).out());
        assertEquals(3, doc.size());
        assertEquals(StandInModel.REPLY_PREFIX + "quick wait-all", doc.get(1).path("answer").asText());
        assertTrue(doc.get(2).path("answer").asText().startsWith("Tool finished:"), doc.toString());
        assertEquals(0, doc.get(0).path("exitCode").asInt());
    }

    @Test
    void waitAnyEndsAtTheFirstAndAPersonMakesIt8() throws IOException {
        String slow = session("SLOW wait-any", null);
        String quick = session("quick wait-any", null);
        String hang = session("HANG wait-any", null);
        try {
            Cli.Result any = cli().run("wait", "--any", "--timeout", "2m", hang, slow, quick);
            assertEquals(ExitCode.OK, any.exitCode(), any.toString());
            assertTrue(any.out().lines().anyMatch(l -> l.matches(quick + " +idle +-")), any.out());
            assertTrue(any.out().lines().anyMatch(l -> l.matches(hang + " +busy \\(not over\\) +-")), any.out());

            String asks = session("QUESTION wait-any", null);
            RealServer.awaitQuestion(asks);
            Cli.Result person = cli().run("wait", quick, asks);
            assertEquals(ExitCode.PERMISSION, person.exitCode(), person.toString());
            assertTrue(person.out().lines().anyMatch(l -> l.matches(asks + " +question +question-pending")), person.out());
            assertTrue(person.err().contains("answer " + asks + " que_"), person.err());
            RealServer.abort(asks);

            Cli.Result timeout = cli().run("wait", "--timeout", "2s", quick, hang);
            assertEquals(ExitCode.TIMEOUT, timeout.exitCode(), timeout.toString());
            assertTrue(timeout.err().contains("not all over after 2s (1 of 2)"), timeout.err());

            long start = System.nanoTime();
            Cli.Result unknown = cli().run("wait", quick, "ses_doesNotExist42", hang);
            assertEquals(ExitCode.NOT_FOUND, unknown.exitCode(), unknown.toString());
            assertTrue((System.nanoTime() - start) / 1e9 < 10, "before any waiting");
            assertEquals("", unknown.out());
        } finally {
            RealServer.abort(hang);
        }
    }

    @Test
    void aRunThatPassesItsTokenBudgetIsAbortedBeforeItsNextStep() throws IOException {
        // Each STEPS step reports some 8000 input tokens: the second passes 9000, the third never starts.
        Cli.Result r = cli().run("send", "--wait", "--max-tokens", "9000", "STEPS 5 budget");
        assertEquals(ExitCode.FINDING, r.exitCode(), r.toString());
        assertTrue(r.err().contains("error budget-exceeded: the run passed its budget"), r.err());
        assertTrue(r.err().contains("passed its budget (--max-tokens 9000)") && r.err().contains("aborting its run"),
                r.err());
        String sid = RealSendTest.sessionOf(r);
        awaitIdle(sid);
        int tools = 0;
        for (JsonNode m : api().get(OpencodeClient.path("session", sid, "message"))) {
            for (JsonNode p : m.path("parts")) if ("tool".equals(p.path("type").asText())) tools++;
        }
        assertTrue(tools >= 2 && tools < 5, "stopped after the step that passed it, not at the end: " + tools + " tool calls");

        JsonNode doc = Json.mapper().readTree(cli().run("--json", "wait", "--max-tokens", "9000", sid).out());
        assertEquals(1, doc.get(0).path("exitCode").asInt(), doc.toString());
        assertTrue(doc.get(0).path("findings").findValuesAsText("code").contains("budget-exceeded"), doc.toString());
    }

    @Test
    void oneStepThatPassesTheBudgetOnItsOwnIsReportedAfterTheFact() {
        Cli.Result r = cli().run("send", "--wait", "--max-cost", "0.001", "BIG 16 budget");
        assertEquals(ExitCode.FINDING, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("The stand-in model writes a long answer"), "the answer stands: " + r.out().length());
        assertTrue(r.err().contains("in its last step"), r.err());
        assertTrue(r.err().contains("error budget-exceeded"), r.err());
        assertFalse(r.err().contains("MessageAbortedError"), "a last step is not aborted: " + r.err());
    }

    @Test
    void theExportHasTheUserTextTheToolCallAndTheAnswer() throws IOException {
        String file = unique("life-export");
        String prompt = "WRITE " + file + " exported ```fenced``` text";
        String sid = session(prompt, null);
        awaitIdle(sid);

        Cli.Result md = cli().run("export", sid);
        assertEquals(ExitCode.OK, md.exitCode(), md.toString());
        String out = md.out();
        assertTrue(out.startsWith("# "), out);
        assertTrue(out.contains("| Model | `mock/mock-model` |"), out);
        assertTrue(out.contains("## User"), out);
        assertTrue(out.contains("\n" + prompt + "\n"), out);
        assertTrue(out.contains("**Tool `write`** (completed)"), out);
        assertTrue(out.contains("\"filePath\" : \"" + file + "\""), out);
        // the tool input holds ``` itself: its fence is longer
        assertTrue(out.contains("````json\n{"), out);
        assertTrue(out.contains("Output:\n\n```text\nWrote file successfully."), out);
        assertTrue(out.contains("\nTool finished: Wrote file successfully.\n"), out);
        assertTrue(out.contains("## Findings\n\nNo findings"), out);

        Cli.Result json = cli().run("export", "--format", "json", sid);
        assertEquals(ExitCode.OK, json.exitCode(), json.toString());
        JsonNode doc = Json.mapper().readTree(json.out());
        assertEquals(sid, doc.path("info").path("id").asText());
        assertEquals(api().get(OpencodeClient.path("session", sid, "message")), doc.path("messages"), "lossless");
        assertEquals(json.out(), cli().run("--json", "export", sid).out());

        Path target = Files.createTempDirectory("ocs-export-").resolve("session.md");
        Cli.Result toFile = cli().run("export", sid, "-o", target.toString());
        assertEquals(ExitCode.OK, toFile.exitCode(), toFile.toString());
        assertEquals("", toFile.out());
        assertEquals(out, Files.readString(target));
        Files.delete(target);
        Files.delete(target.getParent());
    }
}

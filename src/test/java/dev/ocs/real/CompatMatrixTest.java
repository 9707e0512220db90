package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compatibility matrix: the same calls, through ocs, against a real server of every tested version
 * ({@code opencode.versions}, the one list), each with its own stand-in model, port, password, project and
 * HOME. Runs in the {@code matrix} profile ({@code mvn -B verify -Pmatrix}), which {@code .ci/run} turns on.
 * Every call of a version is checked, and all that failed are reported together.
 */
@Tag("matrix")
class CompatMatrixTest {
    private static final PrintWriter PROGRESS = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

    /**
     * The API generation the calls use: {@code -Docs.matrix.api=v2} (or {@code OCS_API=v2}) runs them over the
     * {@code /api} routes, on the lines that have them (1.18).
     */
    static final String API = System.getProperty("ocs.matrix.api",
            System.getenv("OCS_API") == null ? "" : System.getenv("OCS_API"));

    static boolean v2() {
        return API.equals("v2");
    }

    @TestFactory
    Stream<DynamicTest> everyTestedVersion() {
        String only = System.getProperty("ocs.matrix", "");
        List<String> versions = OpencodeServer.testedVersions().stream()
                .filter(v -> only.isBlank() || List.of(only.split(",")).contains(v))
                .filter(v -> !v2() || v.startsWith("1.18."))
                .toList();
        assertFalse(versions.isEmpty(), "no tested version matches -Docs.matrix=" + only + (v2()
                ? " on the 1.18 line (v2)" : ""));
        return versions.stream().map(v -> DynamicTest.dynamicTest("opencode " + v, () -> smoke(v)));
    }

    /**
     * What a version's server itself does differently, that no client can change. 1.0.0 ends every reply of the
     * stand-in model with {@code UnknownError: [DecimalError] Invalid argument} after the text arrived (a fault
     * inside that server; every later line takes the same stream), which ocs rightly reports as a finding (exit 1); and
     * it shows no retry status (no {@code /session/status}, no retry events), so a wait on an unreachable model
     * runs to its timeout (exit 7). The 1.0 line has no question tool and no {@code GET /question} (1.0.185 answers
     * it from its web UI proxy, 500); from 1.1 on every line lists questions. Changes are recorded from 1.14 on:
     * the 1.0 line's project is no git repository (see {@link OpencodeServer#snapshotsWork}), and the snapshots of
     * 1.1 to 1.3 keep the same hash before and after the model wrote a file, so their diff routes answer [] and
     * ocs diff rightly says the session changed no files. 1.0.0 lists its providers without their options, so
     * {@code models} has no endpoint to show for them.
     */
    private record Server(String replyError, boolean showsRetries, boolean questions, boolean diffs,
                          boolean endpoints) {
        static Server of(String version) {
            boolean diffs = !version.matches("1\\.[0-3]\\..*");
            return version.equals("1.0.0") ? new Server("UnknownError", false, false, false, false)
                    : new Server(null, true, !version.startsWith("1.0."), diffs, true);
        }

        /** The exit of a call that ends with the model's reply: 0, or 1 for the server's own known error. */
        int replyExit() {
            return replyError == null ? ExitCode.OK : ExitCode.FINDING;
        }

        void checkReply(List<Executable> checks, String what, Cli.Result r) {
            checks.add(() -> assertEquals(replyExit(), r.exitCode(), what + ": " + r));
            if (replyError != null) {
                checks.add(() -> assertTrue(r.all().contains(replyError), what + " names the server's error: " + r));
            }
        }
    }

    private static void smoke(String version) throws Exception {
        Server quirks = Server.of(version);
        Path binary = OpencodeServer.ensureInstalled(version, PROGRESS);
        try (StandInModel model = StandInModel.start();
             OpencodeServer server = OpencodeServer.start(model, binary, PROGRESS)) {
            List<Executable> checks = new ArrayList<>();
            Calls calls = new Calls(server);

            Cli.Result check = calls.run("serve-check");
            checks.add(() -> assertEquals(ExitCode.OK, check.exitCode(), "serve-check: " + check));

            Cli.Result sent = calls.run("send", "--wait", "hello matrix");
            String sid = sessionOf(sent);
            quirks.checkReply(checks, "send --wait", sent);
            checks.add(() -> assertEquals(StandInModel.REPLY_PREFIX + "hello matrix\n", sent.out(), "send --wait: " + sent));

            Cli.Result inspect = calls.run("inspect", sid);
            quirks.checkReply(checks, "inspect", inspect);
            checks.add(() -> assertTrue(inspect.out().contains("hello matrix"), "inspect shows the reply: " + inspect));

            Cli.Result list = calls.run("list");
            checks.add(() -> assertEquals(ExitCode.OK, list.exitCode(), "list: " + list));
            checks.add(() -> assertTrue(list.out().contains(sid), "list names " + sid + ": " + list));

            Cli.Result watch = calls.run("watch", "--until-idle", "--timeout", "30s", sid);
            quirks.checkReply(checks, "watch --until-idle", watch);

            Cli.Result asked = calls.run("send", "--wait", "--timeout", "60s", "TOOL matrix.txt");
            String tsid = sessionOf(asked);
            checks.add(() -> assertEquals(ExitCode.PERMISSION, asked.exitCode(), "send --wait on a permission: " + asked));
            // The request as send --wait names it: 1.0 keeps no list of pending requests to find it in.
            Matcher per = Pattern.compile("approve " + tsid + " (per_[A-Za-z0-9]+)").matcher(asked.err());
            String pid = per.find() ? per.group(1) : "per_missing";
            Cli.Result approve = calls.run("approve", "--wait", "--timeout", "60s", tsid, pid);
            quirks.checkReply(checks, "approve --wait", approve);
            Path marker = server.project().resolve("matrix.txt");
            checks.add(() -> assertTrue(Files.exists(marker), "the approved tool ran: no " + marker));

            Cli.Result question = calls.run("send", "--wait", "--timeout", "60s", "QUESTION matrix");
            String qsid = sessionOf(question);
            if (quirks.questions()) {
                checks.add(() -> assertEquals(ExitCode.PERMISSION, question.exitCode(), "send --wait on a question: "
                        + question));
                checks.add(() -> assertTrue(question.err().contains("answer " + qsid + " que_"), "names it: " + question));
                Cli.Result answered = calls.run("answer", "--wait", "--timeout", "60s", qsid, "-o", "sqlite");
                quirks.checkReply(checks, "answer --wait", answered);
                checks.add(() -> assertTrue(answered.out().contains("=\"SQLite\""), "the answer reached the model: "
                        + answered));
            } else {
                // No question tool: the model's call fails as any unknown tool does, and nothing waits on a person.
                checks.add(() -> assertTrue(question.exitCode() != ExitCode.PERMISSION
                        && question.exitCode() != ExitCode.SERVER_ERROR, "no question to wait on: " + question));
                Cli.Result none = calls.run("inspect", "--json", qsid);
                checks.add(() -> {
                    JsonNode questions = Json.mapper().readTree(none.out()).path("questions");
                    assertTrue(questions.isArray() && questions.isEmpty(), "no questions: " + none);
                });
                Cli.Result answer = calls.run("answer", qsid, "-o", "sqlite");
                checks.add(() -> assertEquals(ExitCode.SERVER_ERROR, answer.exitCode(), "answer: " + answer));
                checks.add(() -> assertTrue(answer.err().contains("has no questions to answer"), "answer: " + answer));
            }

            life(calls, quirks, checks);

            Cli.Result hang = calls.run("send", "HANG forever");
            String hsid = hang.out().strip();
            RealServer.sleep(2000);
            Cli.Result abort = calls.run("abort", hsid);
            checks.add(() -> assertEquals(ExitCode.OK, abort.exitCode(), "abort: " + abort));
            checks.add(() -> assertTrue(abort.out().contains("aborted " + hsid), "abort: " + abort));

            Cli.Result doctor = calls.run("doctor");
            checks.add(() -> assertEquals(ExitCode.OK, doctor.exitCode(), "doctor: " + doctor));
            // /api/health reports no version: over v2, doctor can only say so
            String versionCheck = v2() ? "the server did not say its version (GET /api/health reports none)"
                    : "opencode " + version + ", a version ocs is tested with";
            checks.add(() -> assertTrue(doctor.out().contains(versionCheck),
                    "doctor's version check for " + version + ": " + doctor));

            Cli.Result dead = calls.run("send", "--wait", "--max-retries", "1", "--timeout", "20s", "-m",
                    OpencodeServer.DEAD_MODEL, "hello");
            int deadExit = quirks.showsRetries() ? ExitCode.FINDING : ExitCode.TIMEOUT;
            checks.add(() -> assertEquals(deadExit, dead.exitCode(), "an unreachable model: " + dead));
            calls.run("abort", sessionOf(dead));

            assertAll("opencode " + version, checks);
        }
    }

    /** The rest of a session's life: diff, todo, export, fork, rename, wait, delete, models. */
    private static void life(Calls calls, Server quirks, List<Executable> checks) {
        Cli.Result wrote = calls.run("send", "--wait", "--timeout", "60s", "WRITE matrix-life.txt one");
        String wsid = sessionOf(wrote);
        quirks.checkReply(checks, "send --wait WRITE", wrote);
        Cli.Result diff = calls.run("diff", wsid);
        if (v2()) {
            // the older diff route does not see a run over /api, and /api has none: refused, naming the files
            checks.add(() -> assertEquals(ExitCode.SERVER_ERROR, diff.exitCode(), "diff: " + diff));
            checks.add(() -> assertTrue(diff.err().contains("files changed: matrix-life.txt"), "diff: " + diff));
        } else {
            checks.add(() -> assertEquals(ExitCode.OK, diff.exitCode(), "diff: " + diff));
        }
        if (v2()) {
            checks.add(() -> assertTrue(Files.exists(calls.server().project().resolve("matrix-life.txt")),
                    "the model wrote the file"));
        } else if (quirks.diffs()) {
            checks.add(() -> assertTrue(diff.out().contains("+++ b/matrix-life.txt\n@@ -0,0 +1,1 @@\n+one\n"),
                    "diff: " + diff));
        } else {
            checks.add(() -> assertTrue(diff.out().isEmpty() && diff.err().contains("changed no files"), "diff: " + diff));
        }

        Cli.Result todo = calls.run("send", "--wait", "--timeout", "60s", "TODO matrix");
        Cli.Result todos = calls.run("todo", sessionOf(todo));
        checks.add(() -> assertEquals(ExitCode.OK, todos.exitCode(), "todo: " + todos));
        checks.add(() -> assertTrue(todos.out().contains("in_progress  medium  Test the parser on real sessions"),
                "todo: " + todos));

        Cli.Result export = calls.run("export", wsid);
        checks.add(() -> assertEquals(ExitCode.OK, export.exitCode(), "export: " + export));
        checks.add(() -> assertTrue(export.out().contains("WRITE matrix-life.txt one") && export.out().contains("**Tool `write`**"),
                "export: " + export));

        Cli.Result fork = calls.run("fork", wsid);
        String copy;
        if (v2()) {
            // as diff: the older fork route would copy none of a run over /api
            checks.add(() -> assertEquals(ExitCode.SERVER_ERROR, fork.exitCode(), "fork: " + fork));
            copy = sessionOf(calls.run("send", "--wait", "--timeout", "60s", "a copy of sorts"));
        } else {
            checks.add(() -> assertEquals(ExitCode.OK, fork.exitCode(), "fork: " + fork));
            copy = fork.out().strip();
        }
        Cli.Result rename = calls.run("rename", copy, "matrix copy");
        checks.add(() -> assertEquals(ExitCode.OK, rename.exitCode(), "rename: " + rename));
        Cli.Result wait = calls.run("wait", "--timeout", "30s", wsid, copy);
        checks.add(() -> assertEquals(quirks.replyExit(), wait.exitCode(), "wait: " + wait));
        Cli.Result delete = calls.run("delete", "--yes", copy);
        checks.add(() -> assertEquals(ExitCode.OK, delete.exitCode(), "delete: " + delete));
        Cli.Result gone = calls.run("inspect", copy);
        checks.add(() -> assertEquals(ExitCode.NOT_FOUND, gone.exitCode(), "deleted: " + gone));

        Cli.Result models = calls.run("models");
        checks.add(() -> assertEquals(ExitCode.OK, models.exitCode(), "models: " + models));
        String endpoint = quirks.endpoints() ? "127\\.0\\.0\\.1:[0-9]+" : "-";
        checks.add(() -> assertTrue(models.out().lines().anyMatch(l -> l.matches("mock/mock-model +Mock model +" + endpoint
                + " +default")), "models: " + models));
    }

    static String sessionOf(Cli.Result r) {
        Matcher m = Pattern.compile("ses_[A-Za-z0-9]+").matcher(r.out() + r.err());
        if (!m.find()) fail("no session id in\n" + r);
        return m.group();
    }

    /** ocs in-process, pointed at one server with its credentials. */
    private record Calls(OpencodeServer server) {
        Cli.Result run(String... args) {
            Cli cli = Cli.withUrl(server.url());
            server.env().forEach(cli::env);
            if (!API.isBlank()) {
                cli.env("OCS_API", API);
            }
            return cli.run(args);
        }
    }
}

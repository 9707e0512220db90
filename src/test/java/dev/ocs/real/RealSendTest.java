package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ocs.real.RealServer.abort;
import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.awaitStatus;
import static dev.ocs.real.RealServer.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** send, abort and approve driving live sessions on a real opencode server. */
class RealSendTest {
    static final String TRICKY = "say \"hi\" \\ 'there' \\n not a newline\nreal newline\n\ttabbed\r\n"
            + "{\"json\": [1, 2]} $HOME `whoami` %s %2F <b>&amp; 🚀 ünïcödé 中文 עברית \u200b\u00a0 end";

    static String sessionOf(Cli.Result r) {
        Matcher m = Pattern.compile("ses_[A-Za-z0-9]+").matcher(r.out() + r.err());
        if (!m.find()) fail("no session id in\n" + r);
        return m.group();
    }

    /** The user text of every agent call the stand-in model received for prompts containing {@code marker}. */
    static List<String> promptsReceived(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        for (String raw : RealServer.model().requests()) {
            JsonNode body = Json.mapper().readTree(raw);
            for (JsonNode m : body.path("messages")) {
                if (!"user".equals(m.path("role").asText())) continue;
                JsonNode content = m.path("content");
                if (content.isTextual()) {
                    if (content.asText().contains(marker)) found.add(content.asText());
                } else {
                    for (JsonNode part : content) {
                        if (part.path("text").asText().contains(marker)) found.add(part.path("text").asText());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void aPromptReachesTheModelByteForByte() throws IOException {
        String prompt = "byte-for-byte 1 " + TRICKY;
        Cli.Result r = cli().run("send", "--wait", prompt);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(promptsReceived("byte-for-byte 1 ").contains(prompt), "the model got: " + promptsReceived("byte-for-byte 1 "));
        assertEquals(StandInModel.REPLY_PREFIX + prompt + "\n", r.out());
    }

    @Test
    void aPromptFromStdinAndFromAFileArrivesUnchanged(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        String fromStdin = "byte-for-byte 2 " + TRICKY + "\n\n";
        Cli.Result r = cli().stdin(fromStdin).run("send", "--wait", "-");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(promptsReceived("byte-for-byte 2 ").contains(fromStdin), promptsReceived("byte-for-byte 2 ").toString());

        StringBuilder big = new StringBuilder("byte-for-byte 3 ");
        while (big.length() < 1_000_000) big.append(TRICKY).append(' ');
        Path file = tmp.resolve("prompt.txt");
        Files.writeString(file, big);
        r = cli().run("send", "-f", file.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        String sid = r.out().strip();
        assertTrue(sid.matches("ses_[A-Za-z0-9]+"), "stdout is the session id alone: " + r.out());
        awaitIdle(sid);
        assertTrue(promptsReceived("byte-for-byte 3 ").contains(big.toString()), "1 MB prompt arrived whole");
    }

    @Test
    void sendWaitPrintsTheReplyAndJsonCarriesTheReport() throws IOException {
        Cli.Result r = cli().run("send", "--wait", "--title", "waited", "hello there");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals(StandInModel.REPLY_PREFIX + "hello there\n", r.out());
        String sid = sessionOf(r);
        assertTrue(r.err().contains("session " + sid), r.err());

        Cli.Result j = cli().run("send", "--wait", "--json", "-s", sid, "again");
        assertEquals(ExitCode.OK, j.exitCode(), j.toString());
        JsonNode doc = Json.mapper().readTree(j.out());
        assertEquals(sid, doc.path("session").path("id").asText());
        assertEquals(0, doc.path("findings").size(), j.out());
        JsonNode messages = doc.path("messages");
        assertEquals(2, messages.size(), "the report covers this prompt's messages: " + j.out());
        assertEquals("again", messages.get(0).path("parts").get(0).path("text").asText());
    }

    @Test
    void streamWritesTheAnswerWhileItIsBeingWritten() throws Exception {
        OpencodeServer s = RealServer.server();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.ocs.Main", "send", "--stream",
                "SLOW one two three four five six seven eight nine ten"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(s.env());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        boolean aliveAtFirstText = false;
        try (InputStream in = p.getInputStream()) {
            int b = in.read();
            if (b >= 0) {
                aliveAtFirstText = p.isAlive();
                seen.write(b);
            }
            in.transferTo(seen);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "send --stream did not end");
        assertEquals(ExitCode.OK, p.exitValue());
        String out = seen.toString(StandardCharsets.UTF_8);
        assertEquals(StandInModel.REPLY_PREFIX + "SLOW one two three four five six seven eight nine ten\n", out,
                "the answer once, not again at the end");
        assertTrue(aliveAtFirstText, "text arrived while the run was still going");
    }

    @Test
    void aPermissionStopsTheWaitAndApproveLetsTheToolRun() throws IOException {
        Path marker = RealServer.server().project().resolve("approved-by-test.txt");
        Cli.Result r = cli().run("send", "--wait", "TOOL approved-by-test.txt");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        String sid = sessionOf(r);
        Matcher approve = Pattern.compile("approve " + sid + " (per_[A-Za-z0-9]+)").matcher(r.err());
        assertTrue(approve.find(), "the exact approve command: " + r.err());
        assertFalse(Files.exists(marker), "nothing ran before approval");

        Cli.Result a = cli().run("approve", sid);
        assertEquals(ExitCode.OK, a.exitCode(), a.toString());
        assertTrue(a.out().contains("once " + approve.group(1) + " bash: echo approved > approved-by-test.txt"), a.out());
        RealServer.awaitMessages(sid, 3);
        assertEquals("approved\n", Files.readString(marker));
        Cli.Result i = cli().run("inspect", sid);
        assertEquals(ExitCode.OK, i.exitCode(), i.toString());
        assertTrue(i.out().contains("Tool finished"), i.out());

        Cli.Result again = cli().run("approve", sid);
        assertEquals(ExitCode.NOT_FOUND, again.exitCode(), again.toString());
        assertTrue(again.err().contains("no pending permission for " + sid), again.err());
    }

    @Test
    void approveWaitFollowsTheResumedRunToItsAnswer() throws IOException {
        Cli.Result r = cli().run("send", "--wait", "TOOL approve-wait.txt");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        String sid = sessionOf(r);
        Cli.Result a = cli().run("approve", sid, "--wait");
        assertEquals(ExitCode.OK, a.exitCode(), a.toString());
        assertTrue(a.out().startsWith("Tool finished:"), "the answer on stdout: " + a);
        assertTrue(a.err().contains("once per_"), "what was answered, on stderr: " + a.err());
        assertEquals("approved\n", Files.readString(RealServer.server().project().resolve("approve-wait.txt")));

        Cli.Result j = cli().run("send", "--wait", "-s", sid, "TOOL approve-json.txt");
        assertEquals(ExitCode.PERMISSION, j.exitCode(), j.toString());
        Cli.Result aj = cli().run("approve", sid, "--wait", "--json");
        assertEquals(ExitCode.OK, aj.exitCode(), aj.toString());
        JsonNode doc = Json.mapper().readTree(aj.out());
        assertEquals(0, doc.path("findings").size(), aj.out());
        assertEquals("TOOL approve-json.txt", doc.path("messages").get(0).path("parts").get(0).path("text").asText(),
                "the report starts at this turn's prompt");
    }

    @Test
    void onPermissionOnceAnswersAndKeepsWaiting() throws IOException {
        Path marker = RealServer.server().project().resolve("once.txt");
        Cli.Result r = cli().run("send", "--wait", "--on-permission", "once", "TOOL once.txt");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("Tool finished:", r.out().strip().substring(0, "Tool finished:".length()), r.out());
        assertEquals("approved\n", Files.readString(marker));
    }

    @Test
    void abortStopsAStalledRun() throws IOException {
        Cli.Result s = cli().run("send", "HANG forever");
        assertEquals(ExitCode.OK, s.exitCode(), s.toString());
        String sid = s.out().strip();
        awaitStatus(sid, "busy"::equals, Duration.ofSeconds(30));
        RealServer.sleep(500);
        Cli.Result a = cli().run("abort", sid);
        assertEquals(ExitCode.OK, a.exitCode(), a.toString());
        assertTrue(a.out().contains("aborted " + sid + " (was busy, now idle)"), a.out());
        assertTrue(a.out().contains("MessageAbortedError"), a.out());
        JsonNode doc = Json.mapper().readTree(cli().run("inspect", sid, "--json").out());
        assertTrue(doc.path("findings").toString().contains("MessageAbortedError"), doc.path("findings").toString());

        Cli.Result idle = cli().run("abort", sid);
        assertEquals(ExitCode.OK, idle.exitCode(), idle.toString());
        assertTrue(idle.out().contains("was not running"), idle.out());
    }

    @Test
    void abortAndApproveOfUnknownSessionsAreNotFound() {
        Cli.Result a = cli().run("abort", "ses_00000000000000000000000000");
        assertEquals(ExitCode.NOT_FOUND, a.exitCode(), a.toString());
        Cli.Result p = cli().run("approve", "ses_00000000000000000000000000");
        assertEquals(ExitCode.NOT_FOUND, p.exitCode(), p.toString());
        Cli.Result s = cli().run("send", "-s", "ses_00000000000000000000000000", "hello");
        assertEquals(ExitCode.NOT_FOUND, s.exitCode(), s.toString());
    }

    @Test
    void anUnreachableProviderEndsTheWaitLongBeforeTheTimeout() {
        Cli.Result r = cli().run("send", "--wait", "--max-retries", "1", "--timeout", "5m", "-m",
                OpencodeServer.DEAD_MODEL, "hello");
        String sid = sessionOf(r);
        try {
            assertEquals(ExitCode.FINDING, r.exitCode(), "ended by the retry rule, not the timeout (7): " + r);
            assertTrue(r.err().contains("retrying"), r.err());
            assertTrue(r.err().contains("model-connect-failed"), r.err());
        } finally {
            abort(sid);
        }
    }

    @Test
    void anUnknownModelEndsTheWaitWithItsError() {
        Cli.Result r = cli().run("send", "--wait", "-m", "mock/no-such-model", "hello");
        assertEquals(ExitCode.FINDING, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Model not found"), r.err());
        assertTrue(r.err().contains("no-reply"), r.err());
    }
}

package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.awaitPermission;
import static dev.ocs.real.RealServer.awaitQuestion;
import static dev.ocs.real.RealServer.awaitStatus;
import static dev.ocs.real.RealServer.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent skill's command lines are real: every line of its sh/bash code blocks that starts with "ocs " runs
 * against the bench, with its placeholders (ses_…, per_…, que_…) replaced by ids of sessions set up for that command, and
 * must end with exit 0 (the bench is a working setup) and, with --json, print JSON.
 */
class SkillCommandsTest {
    static final Path SKILL = Path.of("skill", "opencode-session", "SKILL.md");
    static final Pattern SESSION_PLACEHOLDER = Pattern.compile("ses_(…|\\.\\.\\.|x+)|\\$SID|SESSION_ID");
    static final Pattern PERMISSION_PLACEHOLDER = Pattern.compile("per_(…|\\.\\.\\.|x+)|\\$PID|PERMISSION_ID");
    static final Pattern QUESTION_PLACEHOLDER = Pattern.compile("que_(…|\\.\\.\\.|x+)|QUESTION_ID");

    static String skill() throws IOException {
        return Files.readString(SKILL);
    }

    /** Lines starting with "ocs " inside ```sh or ```bash blocks. */
    static List<String> commandLines(String markdown) {
        List<String> out = new ArrayList<>();
        boolean inShell = false;
        boolean inOther = false;
        for (String line : markdown.split("\n")) {
            String t = line.strip();
            if (t.startsWith("```")) {
                if (inShell || inOther) {
                    inShell = inOther = false;
                } else {
                    String lang = t.substring(3).strip();
                    inShell = lang.equals("sh") || lang.equals("bash") || lang.equals("shell");
                    inOther = !inShell;
                }
                continue;
            }
            if (inShell && t.startsWith("ocs ")) out.add(t);
        }
        return out;
    }

    /** Splits a command line as a shell would for the simple lines a skill shows: words, '…' and "…" quotes, # comments. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) fail("unbalanced quote in: " + line);
                String quoted = line.substring(i + 1, end);
                if (c == '"' && (quoted.contains("$") || quoted.contains("`"))) fail("expansion in quotes, keep it literal: " + line);
                if (w == null) w = new StringBuilder();
                w.append(quoted);
                i = end;
            } else if (Character.isWhitespace(c)) {
                if (w != null) words.add(w.toString());
                w = null;
            } else if (c == '#' && w == null) {
                break;
            } else if ("|;&<>`(){}".indexOf(c) >= 0) {
                return fail("keep the skill's command lines simple, no '" + c + "': " + line);
            } else {
                if (w == null) w = new StringBuilder();
                w.append(c);
            }
        }
        if (w != null) words.add(w.toString());
        return words;
    }

    /** The exit codes the skill's own table documents. */
    static Set<Integer> documentedExitCodes(String markdown) {
        Set<Integer> codes = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(markdown);
        while (m.find()) codes.add(Integer.parseInt(m.group(1)));
        return codes;
    }

    @Test
    void theFrontMatterNamesTheSkillAndItsTriggers() throws IOException {
        String s = skill();
        assertTrue(s.startsWith("---\n"), "front matter first");
        String front = s.substring(4, s.indexOf("\n---\n", 4));
        assertTrue(front.contains("name: opencode-session"), front);
        Matcher d = Pattern.compile("(?m)^description: (.+)$").matcher(front);
        assertTrue(d.find(), front);
        String description = d.group(1);
        for (String trigger : List.of("inspect", "debug", "ses_", "send a prompt", "opencode serve", "empty or broken",
                "check session", "run in opencode")) {
            assertTrue(description.contains(trigger), "description mentions '" + trigger + "': " + description);
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 130), documentedExitCodes(s), "the exit code table is complete");
    }

    @Test
    void everyCommandLineRunsAgainstTheBench() throws IOException {
        String s = skill();
        List<String> lines = commandLines(s);
        assertTrue(lines.size() >= 5 && lines.size() <= 25, "a few realistic command lines: " + lines);
        Set<Integer> documented = documentedExitCodes(s);
        List<String> ran = new ArrayList<>();
        for (String line : lines) {
            List<String> words = words(line);
            assertEquals("ocs", words.get(0));
            List<String> args = new ArrayList<>(words.subList(1, words.size()));
            String command = args.get(0);
            boolean needsPermission = args.stream().anyMatch(a -> PERMISSION_PLACEHOLDER.matcher(a).matches())
                    || command.equals("approve");
            boolean needsSession = args.stream().anyMatch(a -> SESSION_PLACEHOLDER.matcher(a).matches());
            boolean needsQuestion = args.stream().anyMatch(a -> QUESTION_PLACEHOLDER.matcher(a).matches())
                    || command.equals("answer");
            String sid = null;
            String pid = null;
            if (needsQuestion) {
                // The stand-in asks one question, or two with QUESTIONS: as many as the line answers.
                sid = RealServer.session((args.contains("--next") ? "QUESTIONS" : "QUESTION") + " for the skill", null);
                pid = awaitQuestion(sid).path("id").asText();
            } else if (needsPermission) {
                sid = RealServer.session("TOOL skill-" + Long.toHexString(System.nanoTime()) + ".txt", null);
                pid = awaitPermission(sid).path("id").asText();
            } else if (needsSession && command.equals("abort")) {
                sid = RealServer.session("HANG for the skill's abort", null);
                awaitStatus(sid, "busy"::equals, Duration.ofSeconds(30));
            } else if (needsSession && command.equals("watch")) {
                sid = RealServer.session("SLOW for the skill's watch", null);
            } else if (needsSession) {
                sid = RealServer.session("hello from the skill test", null);
                awaitIdle(sid);
            }
            for (int i = 0; i < args.size(); i++) {
                if (sid != null && SESSION_PLACEHOLDER.matcher(args.get(i)).matches()) args.set(i, sid);
                if (pid != null && PERMISSION_PLACEHOLDER.matcher(args.get(i)).matches()) args.set(i, pid);
                if (pid != null && QUESTION_PLACEHOLDER.matcher(args.get(i)).matches()) args.set(i, pid);
            }
            Cli.Result r = cli().run(args.toArray(String[]::new));
            String what = "skill line `" + line + "` ran as " + args + "\n" + r;
            assertTrue(documented.contains(r.exitCode()), "an exit code the skill documents: " + what);
            assertEquals(0, r.exitCode(), "the bench is a working setup: " + what);
            assertFalse(r.err().contains("unexpected error") || r.err().contains("\tat "), what);
            if (args.contains("--json")) {
                if (command.equals("watch")) {
                    for (String l : r.out().lines().toList()) Json.mapper().readTree(l);
                } else {
                    JsonNode doc = Json.mapper().readTree(r.out());
                    // wait --json is an array, one entry per session; every other document is an object
                    assertTrue(command.equals("wait") ? doc.isArray() && doc.size() > 0 : doc.isObject(), what);
                }
            }
            if (needsPermission && !line.contains("--reject")) RealServer.awaitMessages(sid, 3);
            ran.add(String.join(" ", args));
        }
        assertEquals(lines.size(), ran.size());
    }

    /** An agent that meets "ocs: command not found" learns how to get it, and how to start a server; no wait hangs. */
    @Test
    void itSaysHowToInstallAndStartAndEveryWaitHasATimeout() throws IOException {
        String s = skill();
        assertTrue(s.contains("If `ocs` is not found, install it") && s.contains("install.sh") && s.contains("Java 17"),
                "how to install ocs");
        assertTrue(s.contains("ocs serve-check --start"), "how to start a server");
        for (String line : commandLines(s)) {
            List<String> w = words(line);
            boolean waits = w.contains("--wait") || w.contains("--stream") || w.get(1).equals("watch")
                    || w.get(1).equals("wait");
            if (waits) {
                assertTrue(w.contains("--timeout"), "a wait without --timeout: " + line);
            }
        }
    }

    @Test
    void theWordSplitterHandlesQuotesAndComments() {
        assertEquals(List.of("ocs", "send", "-s", "ses_…", "two words", "it's"),
                words("ocs send -s ses_… \"two words\" 'it'\"'\"'s'   # a comment"));
    }
}

package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import dev.ocs.session.FileDiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * diff and export against a session recorded from a real 1.18.33 (two prompts, each writing {@code notes.txt}),
 * and export's promises: lossless JSON, fences nothing can close, nothing written when the read fails.
 */
class DiffExportTest {
    static final String SID = "ses_dbcfbc4c9ffeYVg1FLoUGL7yBA";
    static final String U1 = "msg_243043c01001V1oBMtt3CGJEVY";
    static final String U2 = "msg_2430453c0001HrR9jba3pgmDjm";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    Cli cli() {
        return Cli.withUrl(wm.baseUrl());
    }

    void recorded(String messages) {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson(Fixtures.read("life/diff-session.info.json"))));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message")).willReturn(okJson(messages)));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/question")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/diff")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/diff")).withQueryParam("messageID",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(U1)).willReturn(okJson(Fixtures.read("life/diff-turn1.json"))));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/diff")).withQueryParam("messageID",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(U2)).willReturn(okJson(Fixtures.read("life/diff-turn2.json"))));
    }

    @Test
    void opencodesHeadersBecomeGitsOneTurnAfterTheOther() {
        recorded(Fixtures.read("life/diff-session.messages.json"));
        Cli.Result r = cli().run("diff", SID);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("""
                diff --git a/notes.txt b/notes.txt
                new file mode 100644
                --- /dev/null
                +++ b/notes.txt
                @@ -0,0 +1,1 @@
                +first line
                diff --git a/notes.txt b/notes.txt
                --- a/notes.txt
                +++ b/notes.txt
                @@ -1,1 +1,1 @@
                -first line
                +second line
                """, r.out());
        assertEquals("", r.err());

        Cli.Result stat = cli().run("diff", "--stat", SID);
        assertEquals("notes.txt  +2  -1  added\n1 file changed, 2 lines added, 1 removed\n", stat.out());
    }

    @Test
    void aTurnWhoseChangesTheServerRecordsLateIsAskedAgain() {
        recorded(Fixtures.read("life/diff-session.messages.json"));
        // opencode writes a turn's diff after the turn is over: asked at once, the first answer is []
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/diff")).withQueryParam("messageID",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(U2)).inScenario("late")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(okJson("[]")).willSetStateTo("recorded"));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/diff")).withQueryParam("messageID",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(U2)).inScenario("late")
                .whenScenarioStateIs("recorded").willReturn(okJson(Fixtures.read("life/diff-turn2.json"))));
        Cli.Result r = cli().run("diff", "--stat", SID);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.err(), "the second answer had the changes");
        assertEquals(cli().run("diff", "--stat", SID).out(), r.out());

        // never recorded: said, naming the files the turn's messages name
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/diff")).withQueryParam("messageID",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(U1)).willReturn(okJson("[]")));
        Cli.Result late = cli().run("diff", SID);
        assertEquals(0, late.exitCode(), late.toString());
        assertTrue(late.err().contains("ocs: the server has recorded no changes for the turn of " + U1
                + " (notes.txt), though its messages say it changed those files"), late.err());
    }

    @Test
    void diffJsonHasEachFileAndEachTurn() throws Exception {
        recorded(Fixtures.read("life/diff-session.messages.json"));
        JsonNode doc = Json.mapper().readTree(cli().run("--json", "diff", SID).out());
        assertEquals(SID, doc.path("sessionID").asText());
        assertEquals("{\"file\":\"notes.txt\",\"status\":\"added\",\"additions\":2,\"deletions\":1}",
                doc.path("files").get(0).toString());
        assertEquals(List.of(U1, U2), doc.path("turns").findValuesAsText("messageID"));
        assertTrue(doc.path("turns").get(1).path("files").get(0).path("patch").asText().startsWith("diff --git a/notes.txt"));
    }

    @Test
    void colourOnlyOnATerminal() {
        recorded(Fixtures.read("life/diff-session.messages.json"));
        Cli.Result tty = cli().tty(true).run("diff", SID);
        assertTrue(tty.out().contains("\u001b[32m+second line\u001b[0m"), tty.out());
        Cli.Result noColor = cli().tty(true).env("NO_COLOR", "1").run("diff", SID);
        assertFalse(noColor.out().contains("\u001b"), noColor.out());
    }

    @Test
    void theStatusIsReadFromThePatchWhereTheServerSaysNone() {
        String added = "[{\"file\":\"a.txt\",\"patch\":\"--- a.txt\\n+++ a.txt\\n@@ -0,0 +1,1 @@\\n+x\\n\",\"additions\":1,"
                + "\"deletions\":0}]";
        FileDiff a = FileDiff.listFrom(Json.mapper().valueToTree(parse(added))).get(0);
        assertEquals("added", a.status());
        assertEquals("diff --git a/a.txt b/a.txt\nnew file mode 100644\n--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,1 @@\n+x\n",
                a.patch());
        String gone = "[{\"file\":\"b.txt\",\"patch\":\"--- b.txt\\n+++ b.txt\\n@@ -1,2 +0,0 @@\\n-x\\n-y\\n\",\"additions\":0,"
                + "\"deletions\":2}]";
        FileDiff b = FileDiff.listFrom(parse(gone)).get(0);
        assertEquals("deleted", b.status());
        assertTrue(b.patch().contains("deleted file mode 100644\n--- a/b.txt\n+++ /dev/null\n"), b.patch());
        FileDiff binary = FileDiff.listFrom(parse("[{\"file\":\"c.png\",\"additions\":0,\"deletions\":0}]")).get(0);
        assertNull(binary.patch());
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void exportJsonIsTheServersBytes() throws Exception {
        // Odd spacing, escapes and characters outside the BMP: copied, not re-encoded.
        String messages = Fixtures.read("life/diff-session.messages.json");
        String odd = "[ " + messages.substring(1, messages.length() - 1).replaceFirst("\"first line\"",
                "\"f\\u00efrst \\\"line\\\" 🚀\"") + " ]";
        recorded(odd);
        Cli.Result r = cli().run("export", "--format", "json", SID);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.out().endsWith("\"messages\": " + odd + "\n}\n"), r.out());
        JsonNode doc = Json.mapper().readTree(r.out());
        assertEquals(Json.mapper().readTree(Fixtures.read("life/diff-session.info.json")), doc.path("info"));
        assertEquals(Json.mapper().readTree(odd), doc.path("messages"));
    }

    @Test
    void exportMarkdownHasTheTurnsTheToolCallsAndTheFindings() {
        recorded(Fixtures.read("life/diff-session.messages.json"));
        Cli.Result r = cli().run("export", SID);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        String md = r.out();
        assertTrue(md.startsWith("# Stand-in session\n\n| | |\n|---|---|\n| Session | `" + SID + "` |\n"), md);
        assertTrue(md.contains("| Model | `mock/mock-model` |"), md);
        assertTrue(md.contains("\n## User · "), md);
        assertTrue(md.contains("\nWRITE notes.txt first line\n"), md);
        assertTrue(md.contains("**Tool `write`** (completed)"), md);
        assertTrue(md.contains("```json\n{\n  \"filePath\" : \"notes.txt\",\n  \"content\" : \"first line\\n\"\n}\n```"), md);
        assertTrue(md.contains("Output:\n\n```text\nWrote file successfully.\n```"), md);
        assertTrue(md.contains("\nTool finished: Wrote file successfully.\n"), md);
        assertTrue(md.endsWith("## Findings\n\nNo findings: nothing went wrong that ocs can see.\n"), md);
    }

    @Test
    void aFenceIsLongerThanAnyRunOfBackticksInside() {
        String messages = Fixtures.read("life/diff-session.messages.json").replace("Wrote file successfully.",
                "x ````` y");
        recorded(messages);
        String md = cli().run("export", SID).out();
        assertTrue(md.contains("``````text\nx ````` y\n``````"), md);
    }

    @Test
    void aReadThatFailsHalfwayWritesNothing(@TempDir Path dir) throws Exception {
        String messages = Fixtures.read("life/diff-session.messages.json");
        recorded(messages.substring(0, messages.length() / 2));
        Cli.Result out = cli().run("export", SID);
        assertEquals(ExitCode.SERVER_ERROR, out.exitCode(), out.toString());
        assertEquals("", out.out());
        Path file = dir.resolve("session.md");
        Files.writeString(file, "the old export");
        Cli.Result toFile = cli().run("export", SID, "-o", file.toString());
        assertEquals(ExitCode.SERVER_ERROR, toFile.exitCode(), toFile.toString());
        assertEquals("the old export", Files.readString(file), "left as it was");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no partial file left behind");
        }
        Cli.Result json = cli().run("--json", "export", SID);
        assertEquals(ExitCode.SERVER_ERROR, json.exitCode(), json.toString());
        assertEquals("", json.out());
    }

    @Test
    void exportToAFileWritesItWhole(@TempDir Path dir) throws Exception {
        recorded(Fixtures.read("life/diff-session.messages.json"));
        Path file = dir.resolve("s.json");
        Cli.Result r = cli().run("export", SID, "--format", "json", "-o", file.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("ocs: wrote " + file + " ("), r.err());
        assertEquals(cli().run("export", SID, "--format", "json").out(), Files.readString(file, StandardCharsets.UTF_8));
        Cli.Result noDir = cli().run("export", SID, "-o", dir.resolve("no/such/dir/x.md").toString());
        assertEquals(ExitCode.USAGE, noDir.exitCode(), noDir.toString());
        assertEquals(ExitCode.USAGE, cli().run("export", SID, "-o", dir.toString()).exitCode());
    }

    @Test
    void anUnknownSessionIs5() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_gone1")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json")
                .withBody("{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found\"}}")));
        for (String cmd : List.of("export", "diff")) {
            Cli.Result r = cli().run(cmd, "ses_gone1");
            assertEquals(ExitCode.NOT_FOUND, r.exitCode(), cmd + ": " + r);
            assertEquals("", r.out());
        }
    }
}

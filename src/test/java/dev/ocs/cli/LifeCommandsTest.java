package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * todo, models, fork, rename and delete against answers recorded from a real 1.18.33
 * ({@code captures/life/}): what each sends, prints and exits with, and what it refuses before sending anything.
 */
class LifeCommandsTest {
    static final String A = "ses_dbcfbc4c9ffeYVg1FLoUGL7yBA";
    static final String B = "ses_dbcfba348ffeW727x8iy5Uya1h";
    static final String NOT_FOUND = "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found\"}}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    Cli cli() {
        return Cli.withUrl(wm.baseUrl());
    }

    void session(String sid, String title) {
        wm.stubFor(get(urlPathEqualTo("/session/" + sid)).willReturn(okJson("{\"id\":\"" + sid + "\",\"title\":\""
                + title + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/" + sid + "/children")).willReturn(okJson("[]")));
        wm.stubFor(delete(urlPathEqualTo("/session/" + sid)).willReturn(okJson("true")));
    }

    void missing(String sid) {
        wm.stubFor(any(urlPathEqualTo("/session/" + sid)).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json").withBody(NOT_FOUND)));
    }

    void status(String json) {
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson(json)));
    }

    @Test
    void todoShowsStatusPriorityAndTextInTheAgentsOrder() throws Exception {
        session(B, "todo");
        wm.stubFor(get(urlPathEqualTo("/session/" + B + "/todo")).willReturn(okJson(Fixtures.read("life/todo.json"))));
        Cli.Result r = cli().run("todo", B);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("completed    high    Write the parser\n"
                + "in_progress  medium  Test the parser on real sessions\n"
                + "pending      low     Document the parser\n", r.out());
        JsonNode doc = Json.mapper().readTree(cli().run("--json", "todo", B).out());
        assertEquals(B, doc.path("sessionID").asText());
        assertEquals(List.of("content", "status", "priority", "id"), iterable(doc.path("todos").get(0).fieldNames()));
        assertTrue(doc.path("todos").get(0).path("id").isNull(), "1.18 numbers no items: " + doc);
    }

    @Test
    void todoOfASessionThatDoesNotExistIs5AndNeverAsksTheTodoRoute() {
        missing("ses_gone1");
        wm.stubFor(get(urlPathEqualTo("/session/ses_gone1/todo")).willReturn(okJson("[]")));
        Cli.Result r = cli().run("todo", "ses_gone1");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertEquals("ocs: no session ses_gone1 on " + wm.baseUrl() + "\n", r.err());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void modelsMarkTheDefaultAndShowNoKeyNoPathNoUserInfo() throws Exception {
        // The recorded answer, with credentials put where a base URL can carry them.
        String providers = Fixtures.read("life/config-providers.json")
                .replaceAll("\"baseURL\":\"http://127\\.0\\.0\\.1:([0-9]+)/v1\"",
                        "\"baseURL\":\"http://alice:s3cr3t-pw@127.0.0.1:$1/v1/secret-path?key=sk-query-secret\"");
        assertTrue(providers.contains("s3cr3t-pw"), "the fixture has the credentials now");
        wm.stubFor(get(urlPathEqualTo("/config/providers")).willReturn(okJson(providers)));
        wm.stubFor(get(urlPathEqualTo("/config")).willReturn(okJson(Fixtures.read("life/config.json"))));
        Cli.Result r = cli().run("models");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("mock/mock-model +Mock model +127\\.0\\.0\\.1:[0-9]+ +default")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("dead/dead-model +Dead model +127\\.0\\.0\\.1:[0-9]+")), r.out());
        Cli.Result json = cli().run("--json", "models");
        for (Cli.Result each : List.of(r, json)) {
            for (String secret : List.of("s3cr3t-pw", "alice", "secret-path", "sk-query-secret", "stand-in", "apiKey")) {
                assertFalse(each.all().contains(secret), secret + " leaked: " + each);
            }
        }
        JsonNode doc = Json.mapper().readTree(json.out());
        assertEquals("mock/mock-model", doc.path("default").asText());
        JsonNode mock = null;
        for (JsonNode p : doc.path("providers")) if (p.path("id").asText().equals("mock")) mock = p;
        assertTrue(mock != null && mock.path("endpoint").asText().matches("127\\.0\\.0\\.1:[0-9]+"), doc.toString());
        assertTrue(mock.path("models").get(0).path("default").asBoolean());
    }

    @Test
    void forkAtAMessageOfTheSessionSendsItsId() throws Exception {
        session(A, "forked");
        wm.stubFor(get(urlPathEqualTo("/session/" + A + "/message"))
                .willReturn(okJson(Fixtures.read("life/diff-session.messages.json"))));
        wm.stubFor(post(urlPathEqualTo("/session/" + A + "/fork")).willReturn(okJson(Fixtures.read("life/fork.json"))));
        String at = "msg_2430453c0001HrR9jba3pgmDjm";
        Cli.Result r = cli().run("fork", A, "--at", at);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals(Json.text(Json.mapper().readTree(Fixtures.read("life/fork.json")), "id") + "\n", r.out());
        wm.verify(postRequestedFor(urlPathEqualTo("/session/" + A + "/fork"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson("{\"messageID\":\"" + at + "\"}")));
    }

    @Test
    void forkAtAMessageNotInTheSessionIs5AndForksNothing() {
        session(A, "forked");
        wm.stubFor(get(urlPathEqualTo("/session/" + A + "/message"))
                .willReturn(okJson(Fixtures.read("life/diff-session.messages.json"))));
        Cli.Result r = cli().run("fork", A, "--at", "msg_elsewhere1");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no message msg_elsewhere1 in " + A), r.err());
        wm.verify(0, postRequestedFor(urlPathEqualTo("/session/" + A + "/fork")));
        Cli.Result bad = cli().run("fork", A, "--at", "not-a-message");
        assertEquals(ExitCode.USAGE, bad.exitCode(), bad.toString());
    }

    @Test
    void renameSendsTheTitleByteForByte() throws Exception {
        String title = "Ünïcode \"quotes\" 'single' \\ back\nnew line 🚀";
        wm.stubFor(patch(urlPathEqualTo("/session/" + A)).willReturn(okJson("{\"id\":\"" + A + "\",\"title\":"
                + Json.mapper().valueToTree(title) + "}")));
        Cli.Result r = cli().run("rename", A, title);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        List<LoggedRequest> sent = wm.findAll(patchRequestedFor(urlPathEqualTo("/session/" + A)));
        assertEquals(1, sent.size());
        JsonNode body = Json.mapper().readTree(sent.get(0).getBody());
        assertEquals(List.of("title"), iterable(body.fieldNames()));
        assertEquals(title, body.path("title").textValue());
        assertEquals(ExitCode.USAGE, cli().run("rename", A, "  ").exitCode());
        missing("ses_gone1");
        assertEquals(ExitCode.NOT_FOUND, cli().run("rename", "ses_gone1", "x").exitCode());
    }

    @Test
    void deleteOffATerminalWithoutYesDeletesNothing() {
        session(A, "a");
        status("{}");
        Cli.Result r = cli().run("delete", A);
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertEquals("ocs: not deleting without a confirmation: add --yes (nothing deleted) (see 'ocs delete --help')\n",
                r.err());
        wm.verify(0, deleteRequestedFor(anyUrl()));
    }

    @Test
    void deleteChecksEveryIdFirst() {
        session(A, "a");
        session(B, "b");
        missing("ses_gone1");
        status("{}");
        Cli.Result r = cli().run("delete", "--yes", A, "ses_gone1", B);
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no session ses_gone1") && r.err().contains("nothing deleted"), r.err());
        wm.verify(0, deleteRequestedFor(anyUrl()));
    }

    @Test
    void aBusySessionNeedsForceAndIsAbortedBeforeItIsDeleted() {
        session(A, "a");
        session(B, "b");
        status("{\"" + B + "\":{\"type\":\"busy\"}}");
        wm.stubFor(post(urlPathEqualTo("/session/" + B + "/abort")).willReturn(okJson("true")));
        Cli.Result refused = cli().run("delete", "--yes", A, B);
        assertEquals(ExitCode.USAGE, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains(B + " (busy) is running") && refused.err().contains("--force"), refused.err());
        wm.verify(0, deleteRequestedFor(anyUrl()));

        Cli.Result forced = cli().run("delete", "--yes", "--force", A, B);
        assertEquals(ExitCode.OK, forced.exitCode(), forced.toString());
        assertEquals("deleted " + A + "\ndeleted " + B + "\n", forced.out());
        List<String> order = wm.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(q -> !q.getMethod().getName().equals("GET"))
                .map(q -> q.getMethod().getName() + " " + q.getUrl()).toList();
        assertEquals(List.of("DELETE /session/" + A, "POST /session/" + B + "/abort", "DELETE /session/" + B), order);
    }

    @Test
    void onATerminalItAsksAndOnlyYesDeletes() {
        session(A, "the title");
        status("{}");
        wm.stubFor(get(urlPathEqualTo("/session/" + A + "/children")).willReturn(okJson("[{\"id\":\"ses_child1\"}]")));
        Cli.Result no = cli().tty(true).stdin("n\n").run("delete", A);
        assertEquals(ExitCode.FINDING, no.exitCode(), no.toString());
        assertTrue(no.err().contains("Delete 1 session?\n  " + A + "  the title  (and 1 child session)\n[y/N] "),
                no.err());
        assertTrue(no.err().endsWith("ocs: nothing deleted\n"), no.err());
        wm.verify(0, deleteRequestedFor(anyUrl()));

        Cli.Result yes = cli().tty(true).stdin("yes\n").run("delete", A, A);
        assertEquals(ExitCode.OK, yes.exitCode(), yes.toString());
        assertEquals("deleted " + A + "\n", yes.out(), "an id given twice is deleted once");
        wm.verify(1, deleteRequestedFor(urlPathEqualTo("/session/" + A)));
        Cli.Result json = cli().run("--json", "delete", "--yes", A);
        assertEquals("{\n  \"deleted\": [\n    \"" + A + "\"\n  ]\n}\n", json.out());
    }

    @Test
    void aServerWithoutTheRouteSaysWhichVersionLacksWhat() {
        // 1.0.185 hands routes it does not know to its web UI's proxy, which answers 500 offline.
        session(A, "old");
        wm.stubFor(get(urlPathEqualTo("/session/" + A + "/todo")).willReturn(aResponse().withStatus(500)
                .withHeader("content-type", "application/json")
                .withBody("{\"name\":\"UnknownError\",\"data\":{\"message\":\"Error: Unable to connect. Is the computer "
                        + "able to access the url?\"}}")));
        wm.stubFor(get(urlPathEqualTo("/global/health")).willReturn(okJson("{\"healthy\":true,\"version\":\"1.0.185\"}")));
        Cli.Result r = cli().run("todo", A);
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: opencode 1.0.185 at " + wm.baseUrl() + " cannot read a session's todo list"),
                r.err());
    }

    @Test
    void badCommandLinesAreOneLineAndExit2() {
        for (String[] args : List.of(new String[] {"delete"}, new String[] {"wait"}, new String[] {"rename", A},
                new String[] {"wait", A, "--timeout", "soon"}, new String[] {"wait", A, "--max-cost", "-1"},
                new String[] {"send", "--max-tokens", "5", "hi"}, new String[] {"export", A, "--format", "html"},
                new String[] {"export", A, "--format", "json", "--full"}, new String[] {"diff", "nope"})) {
            Cli.Result r = cli().run(args);
            assertEquals(ExitCode.USAGE, r.exitCode(), String.join(" ", args) + ": " + r);
            assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().startsWith("ocs: ") && !r.err().contains("Exception"), r.err());
        }
        wm.verify(0, anyRequestedFor(anyUrl()));
    }
}

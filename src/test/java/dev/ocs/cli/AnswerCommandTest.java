package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ocs answer against the question list recorded from a real 1.18.33 (two questions, the second multiple). */
class AnswerCommandTest {
    static final String SID = "ses_dbd9eb98affedZlEqvD6tansY3";
    static final String QUE = "que_2426147d6001vKh59C2GFVuu3C";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    Cli cli() {
        return Cli.withUrl(wm.baseUrl());
    }

    void stub(String questions) {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/question")).willReturn(okJson(questions)));
        wm.stubFor(post(urlPathMatching("/question/que_[A-Za-z0-9]+/(reply|reject)")).willReturn(okJson("true")));
    }

    String recorded() {
        return Fixtures.read("questions/question-list.json");
    }

    @Test
    void answersInOrderWithNextMatchingLabelsLoosely() {
        stub(recorded());
        Cli.Result r = cli().run("answer", SID, "--option", "postgres", "--next", "-o", "dock", "--text",
                "on \"my\" box ✓", "-o", "CLOUD");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("answered " + QUE + ": Postgres; Docker, on \"my\" box ✓, Cloud\n", r.out());
        wm.verify(postRequestedFor(urlPathEqualTo("/question/" + QUE + "/reply")).withRequestBody(equalToJson(
                "{\"answers\":[[\"Postgres\"],[\"Docker\",\"on \\\"my\\\" box ✓\",\"Cloud\"]]}")));
    }

    @Test
    void whatTheQuestionDoesNotTakeIsExit2ListingWhatItDoes() {
        stub(recorded());
        Cli.Result unknown = cli().run("answer", SID, "-o", "Oracle", "--next", "-o", "Docker");
        assertEquals(ExitCode.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("question 1 has no option 'Oracle'; its options: Postgres | SQLite"),
                unknown.err());
        Cli.Result two = cli().run("answer", SID, "-o", "Postgres", "-o", "SQLite", "--next", "-o", "Docker");
        assertEquals(ExitCode.USAGE, two.exitCode(), two.toString());
        assertTrue(two.err().contains("question 1 takes one answer"), two.err());
        Cli.Result missing = cli().run("answer", SID, "-o", "Postgres");
        assertEquals(ExitCode.USAGE, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("with --next between them; question 2 is Runtime: Where should it run?"),
                missing.err());
        Cli.Result nothing = cli().run("answer", SID);
        assertEquals(ExitCode.USAGE, nothing.exitCode(), nothing.toString());
        assertTrue(nothing.err().contains("Database: Which database should the app use? [Postgres | SQLite]"),
                "the questions are listed: " + nothing.err());
        Cli.Result both = cli().run("answer", SID, "--reject", "-o", "Postgres");
        assertEquals(ExitCode.USAGE, both.exitCode(), both.toString());
        Cli.Result twice = cli().run("answer", SID, "--timeout", "1m", "--timeout", "2m", "-o", "P", "--next", "-o", "D");
        assertEquals(ExitCode.USAGE, twice.exitCode(), twice.toString());
        assertTrue(twice.err().startsWith("ocs: --timeout is given more than once"), twice.err());
        for (Cli.Result r : new Cli.Result[] {unknown, two, missing, nothing, both, twice}) {
            assertFalse(r.err().contains("Exception") || r.err().contains("Unmatched"), r.err());
        }
        wm.verify(0, postRequestedFor(urlPathMatching("/question/.*")));
    }

    @Test
    void aPrefixOfSeveralLabelsIsAmbiguous() {
        stub("[{\"id\":\"que_a\",\"sessionID\":\"" + SID + "\",\"questions\":[{\"question\":\"Which?\",\"header\":\"H\","
                + "\"options\":[{\"label\":\"Postgres 15\",\"description\":\"\"},{\"label\":\"Postgres 16\","
                + "\"description\":\"\"}],\"custom\":false}]}]");
        Cli.Result r = cli().run("answer", SID, "-o", "postgres");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("'postgres' begins several options of the question: Postgres 15, Postgres 16"),
                r.err());
        Cli.Result text = cli().run("answer", SID, "--text", "MySQL");
        assertEquals(ExitCode.USAGE, text.exitCode(), text.toString());
        assertTrue(text.err().contains("the question takes only its options: Postgres 15 | Postgres 16"), text.err());
        Cli.Result exact = cli().run("answer", SID, "-o", "postgres 16", "--json");
        assertEquals(ExitCode.OK, exact.exitCode(), exact.toString());
        wm.verify(postRequestedFor(urlPathEqualTo("/question/que_a/reply"))
                .withRequestBody(equalToJson("{\"answers\":[[\"Postgres 16\"]]}")));
    }

    @Test
    void rejectDeclinesAndJsonSaysSo() throws IOException {
        stub(recorded());
        Cli.Result r = cli().run("answer", SID, QUE, "--reject", "--json");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        JsonNode doc = Json.mapper().readTree(r.out());
        assertEquals(SID, doc.path("sessionID").asText());
        assertEquals(QUE, doc.path("id").asText());
        assertTrue(doc.path("rejected").asBoolean());
        assertTrue(doc.path("answers").isEmpty());
        wm.verify(postRequestedFor(urlPathEqualTo("/question/" + QUE + "/reject")));
    }

    @Test
    void severalPendingNeedAnIdAndNoneIsNotFound() {
        String one = recorded().strip();
        String other = one.substring(1, one.length() - 1).replace(QUE, "que_other1");
        stub("[" + one.substring(1, one.length() - 1) + "," + other + "]");
        Cli.Result r = cli().run("answer", SID, "-o", "Postgres", "--next", "-o", "Docker");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(QUE) && r.err().contains("que_other1") && r.err().contains("name one"), r.err());
        Cli.Result named = cli().run("answer", SID, "que_other1", "-o", "Postgres", "--next", "-o", "Docker");
        assertEquals(ExitCode.OK, named.exitCode(), named.toString());
        Cli.Result wrong = cli().run("answer", SID, "que_nope", "-o", "Postgres");
        assertEquals(ExitCode.NOT_FOUND, wrong.exitCode(), wrong.toString());
        stub("[]");
        Cli.Result none = cli().run("answer", SID, "-o", "Postgres");
        assertEquals(ExitCode.NOT_FOUND, none.exitCode(), none.toString());
        assertTrue(none.err().contains("no pending question for " + SID), none.err());
        Cli.Result badId = cli().run("answer", SID, "per_1", "-o", "Postgres");
        assertEquals(ExitCode.USAGE, badId.exitCode(), badId.toString());
    }

    @Test
    void aRequestAnsweredMeanwhileIsNotFound() {
        stub(recorded());
        wm.stubFor(post(urlPathEqualTo("/question/" + QUE + "/reply")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json").withBody("{\"_tag\":\"QuestionNotFoundError\","
                        + "\"requestID\":\"" + QUE + "\",\"message\":\"Question request not found: " + QUE + "\"}")));
        Cli.Result r = cli().run("answer", SID, "-o", "Postgres", "--next", "-o", "Docker");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no longer pending"), r.err());
    }

    @Test
    void aServerWithoutQuestionRoutesSaysSoAndInspectLeavesTheCheckOut() throws IOException {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/question")).willReturn(aResponse().withStatus(404).withBody("Not Found")));
        wm.stubFor(get(urlPathEqualTo("/global/health")).willReturn(okJson("{\"healthy\":true,\"version\":\"1.1.65\"}")));
        Cli.Result r = cli().run("answer", SID, "-o", "Postgres");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("opencode 1.1.65") && r.err().contains("no questions to answer"), r.err());

        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message")).willReturn(okJson(Fixtures.read("normal.messages.json"))));
        Cli.Result inspect = cli().run("inspect", "--json", SID);
        assertEquals(ExitCode.OK, inspect.exitCode(), inspect.toString());
        JsonNode doc = Json.mapper().readTree(inspect.out());
        assertTrue(doc.path("questions").isArray() && doc.path("questions").isEmpty(), inspect.out());
    }
}

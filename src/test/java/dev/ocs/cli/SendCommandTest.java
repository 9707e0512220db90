package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendCommandTest {
    static final String SID = "ses_df6038b36ffeTAMkeq8XVlokER";
    static final String TRICKY = "say \"hi\" \\ 'there'\n\ttabbed\r\n{\"json\": true} $HOME `x` 🚀 ünïcödé \u0000end";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    Cli cli() {
        return Cli.withUrl(wm.baseUrl());
    }

    void stubCreateAndPrompt() {
        wm.stubFor(post("/session").willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(post(urlPathEqualTo("/session/" + SID + "/prompt_async")).willReturn(aResponse().withStatus(204)));
    }

    void stubStatusBusyThenIdle() {
        wm.stubFor(get(urlPathEqualTo("/session/status")).inScenario("run").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"" + SID + "\":{\"type\":\"busy\"}}")).willSetStateTo("done"));
        wm.stubFor(get(urlPathEqualTo("/session/status")).inScenario("run").whenScenarioStateIs("done")
                .willReturn(okJson("{}")));
    }

    void stubReport(String messagesFixture) {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message")).willReturn(okJson(Fixtures.read(messagesFixture))));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/event")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream")
                .withBody(Fixtures.read("tool-permission-approved.events.sse"))));
    }

    JsonNode promptBody() throws IOException {
        return Json.mapper().readTree(wm.findAll(postRequestedFor(urlPathEqualTo("/session/" + SID + "/prompt_async")))
                .get(0).getBodyAsString());
    }

    @Test
    void printsOnlyTheSessionIdAndSendsThePromptUnchanged() throws IOException {
        stubCreateAndPrompt();
        stubStatusBusyThenIdle();
        Cli.Result r = cli().run("send", "-m", "mock/mock-model/v2", "--agent", "plan", TRICKY);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(SID + "\n", r.out());
        JsonNode body = promptBody();
        assertEquals(TRICKY, body.at("/parts/0/text").asText());
        assertEquals("text", body.at("/parts/0/type").asText());
        assertEquals("mock", body.at("/model/providerID").asText());
        assertEquals("mock-model/v2", body.at("/model/modelID").asText(), "split at the first slash only");
        assertEquals("plan", body.at("/agent").asText());
    }

    @Test
    void promptFromStdinAndFileByteForByte(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        stubCreateAndPrompt();
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{\"" + SID + "\":{\"type\":\"busy\"}}")));
        Cli.Result r = cli().stdin(TRICKY + "\n").run("send", "-");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(TRICKY + "\n", promptBody().at("/parts/0/text").asText());

        wm.resetRequests();
        Path f = dir.resolve("p.txt");
        Files.writeString(f, TRICKY);
        r = cli().run("send", "--json", "-f", f.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(TRICKY, promptBody().at("/parts/0/text").asText());
        assertEquals(SID, Json.mapper().readTree(r.out()).get("sessionID").asText());
    }

    @Test
    void usageErrorsSendNothing() {
        assertEquals(ExitCode.USAGE, cli().run("send").exitCode());
        assertEquals(ExitCode.USAGE, cli().run("send", "   ").exitCode());
        assertEquals(ExitCode.USAGE, cli().run("send", "-m", "no-slash", "hi").exitCode());
        assertEquals(ExitCode.USAGE, cli().run("send", "-s", "../config", "hi").exitCode());
        assertEquals(ExitCode.USAGE, cli().run("send", "--timeout", "soon", "--wait", "hi").exitCode());
        assertEquals(ExitCode.USAGE, cli().run("send", "--on-permission", "maybe", "hi").exitCode());
        assertEquals(0, wm.getAllServeEvents().size(), "nothing reached the server");
    }

    @Test
    void unknownSessionIsExit5AndNothingSent() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_gone")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json")
                .withBody("{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found: ses_gone\"}}")));
        Cli.Result r = cli().run("send", "-s", "ses_gone", "hi");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertEquals("ocs: no session ses_gone on " + wm.baseUrl(), r.err().strip());
        wm.verify(0, postRequestedFor(urlPathEqualTo("/session/ses_gone/prompt_async")));
    }

    @Test
    void promptNotTakenIsExit6() {
        stubCreateAndPrompt();
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message")).willReturn(okJson("[]")));
        Cli.Result r = cli().run("send", "hi");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no new message"), r.toString());
    }

    @Test
    void waitAnswersThePermissionOnceAndPrintsTheAnswer() {
        stubCreateAndPrompt();
        stubStatusBusyThenIdle();
        stubReport("normal.messages.json");
        wm.stubFor(post(urlPathEqualTo("/permission/per_209fc767c001uiodBtoJkDLL9w/reply")).willReturn(okJson("true")));
        Cli.Result r = cli().run("send", "--wait", "--on-permission", "once", "please TOOL now");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Hello from the stand-in model. You said: hello there, \"quoted\" and\nnewline\n", r.out());
        assertTrue(r.err().contains("session " + SID), r.toString());
        wm.verify(1, postRequestedFor(urlPathEqualTo("/permission/per_209fc767c001uiodBtoJkDLL9w/reply"))
                .withRequestBody(equalToJson("{\"reply\":\"once\"}")));
    }

    @Test
    void streamPrintsDeltasOnceAndNotAgain() {
        stubCreateAndPrompt();
        stubStatusBusyThenIdle();
        stubReport("normal.messages.json");
        wm.stubFor(post(urlPathEqualTo("/permission/per_209fc767c001uiodBtoJkDLL9w/reply")).willReturn(okJson("true")));
        Cli.Result r = cli().run("send", "--stream", "--on-permission", "always", "please TOOL now");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Hello from the stand-in model. You said: please TOOL now\n", r.out());
    }

    @Test
    void permissionStopsTheWaitWithExit8AndTheApproveCommand() {
        stubCreateAndPrompt();
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{\"" + SID + "\":{\"type\":\"busy\"}}")));
        stubReport("permission-pending.messages.json");
        String pending = Fixtures.read("permission-list.json").replace("ses_df604f802ffeoZehXyKiLM7Gzy", SID);
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson(pending)));
        Cli.Result r = cli().run("send", "--wait", "please TOOL now");
        assertEquals(ExitCode.PERMISSION, r.exitCode(), r.toString());
        assertTrue(r.err().contains("approve " + SID + " per_"), r.toString());
        wm.verify(0, postRequestedFor(urlPathEqualTo("/permission/per_209fc767c001uiodBtoJkDLL9w/reply")));
    }

    @Test
    void waitTimesOutWithExit7AndTheAbortCommand() {
        stubCreateAndPrompt();
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{\"" + SID + "\":{\"type\":\"busy\"}}")));
        stubReport("permission-pending.messages.json");
        wm.stubFor(get(urlPathEqualTo("/event")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream")
                .withBody("data: {\"type\":\"server.connected\",\"properties\":{}}\n\n").withChunkedDribbleDelay(2, 5000)));
        Cli.Result r = cli().run("send", "--wait", "--timeout", "1s", "hi");
        assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("abort " + SID), r.toString());
    }

    @Test
    void retryingPastTheLimitEndsTheWaitWithExit1() {
        stubCreateAndPrompt();
        String retry = "{\"" + SID + "\":{\"type\":\"retry\",\"attempt\":5,\"message\":\"Cannot connect to API\",\"next\":1}}";
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson(retry)));
        stubReport("provider-unreachable.messages.json");
        wm.stubFor(get(urlPathEqualTo("/event")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream")
                .withBody("data: {\"type\":\"session.status\",\"properties\":{\"sessionID\":\"" + SID
                        + "\",\"status\":{\"type\":\"retry\",\"attempt\":4,\"message\":\"Cannot connect to API\"}}}\n\n")));
        Cli.Result r = cli().run("send", "--wait", "--timeout", "20s", "hi");
        assertEquals(ExitCode.FINDING, r.exitCode(), r.toString());
        assertTrue(r.err().contains("model-connect-failed"), r.toString());
    }
}

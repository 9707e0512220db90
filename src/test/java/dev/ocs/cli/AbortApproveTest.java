package dev.ocs.cli;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

class AbortApproveTest {
    static final String SID = "ses_df604f802ffeoZehXyKiLM7Gzy";
    static final String PID = "per_209fb13a4001DfSKdjiPIoUxor";
    static final String NOT_FOUND = "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found\"}}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    Cli cli() {
        return Cli.withUrl(wm.baseUrl());
    }

    void stubSession() {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson(Fixtures.read("permission-list.json"))));
    }

    @Test
    void abortChecksTheSessionExistsFirst() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_gone")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json").withBody(NOT_FOUND)));
        wm.stubFor(post(urlPathEqualTo("/session/ses_gone/abort")).willReturn(okJson("true")));
        Cli.Result r = cli().run("abort", "ses_gone");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        wm.verify(0, postRequestedFor(urlPathEqualTo("/session/ses_gone/abort")));
    }

    @Test
    void abortStopsAndConfirmsIdle() {
        stubSession();
        wm.stubFor(get(urlPathEqualTo("/session/status")).inScenario("a").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"" + SID + "\":{\"type\":\"busy\"}}")).willSetStateTo("aborted"));
        wm.stubFor(get(urlPathEqualTo("/session/status")).inScenario("a").whenScenarioStateIs("aborted")
                .willReturn(okJson("{}")));
        wm.stubFor(post(urlPathEqualTo("/session/" + SID + "/abort")).willReturn(okJson("true")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message"))
                .willReturn(okJson(Fixtures.read("aborted.messages.json"))));
        Cli.Result r = cli().run("abort", SID);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("aborted " + SID + " (was busy, now idle)"), r.toString());
        assertTrue(r.out().contains("MessageAbortedError"), r.toString());
    }

    @Test
    void approveAnswersTheOnlyPendingRequest() {
        stubSession();
        wm.stubFor(post(urlPathEqualTo("/permission/" + PID + "/reply")).willReturn(okJson("true")));
        Cli.Result r = cli().run("approve", SID, "--always", "--message", "ok go");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("always " + PID + " bash: echo approved > /home/dev/project/marker.txt\n", r.out());
        wm.verify(postRequestedFor(urlPathEqualTo("/permission/" + PID + "/reply"))
                .withRequestBody(equalToJson("{\"reply\":\"always\",\"message\":\"ok go\"}")));
    }

    @Test
    void approveFallsBackToTheOlderRouteOnlyWithoutTheNewOne() {
        stubSession();
        wm.stubFor(post(urlPathEqualTo("/permission/" + PID + "/reply")).willReturn(aResponse().withStatus(404)
                .withBody("Not Found")));
        wm.stubFor(post(urlPathEqualTo("/session/" + SID + "/permissions/" + PID)).willReturn(okJson("true")));
        Cli.Result r = cli().run("approve", SID, PID, "--reject");
        assertEquals(0, r.exitCode(), r.toString());
        wm.verify(postRequestedFor(urlPathEqualTo("/session/" + SID + "/permissions/" + PID))
                .withRequestBody(equalToJson("{\"response\":\"reject\"}")));
    }

    @Test
    void approveOfARequestTheServerNoLongerHasIsExit5() {
        stubSession();
        wm.stubFor(post(urlPathEqualTo("/permission/" + PID + "/reply")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json")
                .withBody("{\"_tag\":\"PermissionNotFoundError\",\"requestID\":\"" + PID + "\",\"message\":\"gone\"}")));
        Cli.Result r = cli().run("approve", SID);
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        wm.verify(0, postRequestedFor(urlPathEqualTo("/session/" + SID + "/permissions/" + PID)));
    }

    @Test
    void approveWithNothingPendingOrAnUnknownIdIsExit5() {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        Cli.Result r = cli().run("approve", SID);
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertEquals("ocs: no pending permission for " + SID, r.err().strip());

        stubSession();
        r = cli().run("approve", SID, "per_other1");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertTrue(r.err().contains("per_other1 is not pending"), r.toString());
    }

    @Test
    void severalPendingNeedAnIdOrAll() {
        String two = Fixtures.read("permission-list.json").strip();
        String second = two.substring(1, two.length() - 1).replace(PID, "per_second2");
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson(two.substring(0, two.length() - 1) + ","
                + second + "]")));
        wm.stubFor(post(urlPathEqualTo("/permission/" + PID + "/reply")).willReturn(okJson("true")));
        wm.stubFor(post(urlPathEqualTo("/permission/per_second2/reply")).willReturn(okJson("true")));
        Cli.Result r = cli().run("approve", SID);
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("per_second2"), r.toString());
        r = cli().run("approve", "--all", SID);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(2, r.out().lines().count(), r.toString());
    }

    @Test
    void hostileIdsAreUsageErrorsBeforeAnyRequest() {
        for (String id : new String[] {"../config", "ses_a/b", "ses_a?x=1", "ses_a%2Fb", "ses_a b", "ses_a\nb", ""}) {
            assertEquals(ExitCode.USAGE, cli().run("inspect", id).exitCode(), id);
            assertEquals(ExitCode.USAGE, cli().run("abort", id).exitCode(), id);
            assertEquals(ExitCode.USAGE, cli().run("approve", SID, id.isEmpty() ? "per_" : id).exitCode(), id);
        }
        assertEquals(0, wm.getAllServeEvents().size());
    }
}

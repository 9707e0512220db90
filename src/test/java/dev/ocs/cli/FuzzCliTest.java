package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated server answers end to end through the real command line: {@code ocs inspect} against WireMock serving
 * damaged bodies, and {@code ocs send --wait} against damaged event streams. Exit codes stay in the documented
 * set, stderr never shows a stack trace, an error is one line, and --json output is one parseable document.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuzzCliTest {
    static final String SID = "ses_x";
    static final String SEND_SID = "ses_df6038b36ffeTAMkeq8XVlokER";
    static final List<String> MESSAGES = List.of("normal.messages.json", "aborted.messages.json",
            "empty-stop.messages.json", "permission-pending.messages.json", "provider-unreachable.messages.json",
            "reasoning-length.messages.json");
    static final UUID MESSAGE_STUB = UUID.randomUUID();
    static final UUID STATUS_STUB = UUID.randomUUID();
    static final UUID PERMISSION_STUB = UUID.randomUUID();
    static final UUID SESSION_STUB = UUID.randomUUID();
    static final UUID EVENT_STUB = UUID.randomUUID();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static byte[] mutate(String fixture, Random c, List<JsonNode> donors) {
        byte[] raw = Mutations.bytes(Fixtures.read(fixture));
        JsonNode tree = Mutations.parse(Fixtures.read(fixture));
        return switch (c.nextInt(5)) {
            case 0 -> Mutations.truncate(Mutations.bytes(tree.toString()), c);
            case 1 -> Mutations.byteLevel(c.nextBoolean() ? raw : Mutations.bytes(tree.toString()), c);
            case 2 -> Mutations.bytes(Mutations.shuffled(tree, c).toString());
            case 3 -> c.nextInt(4) == 0 ? Mutations.jsonish(c, c.nextInt(500))
                    : Mutations.bytes(Mutations.oddValue(c).toString());
            default -> Mutations.bytes(Mutations.structural(tree, c, donors).toString());
        };
    }

    static void assertClean(String what, Cli.Result r, List<Integer> allowed) {
        assertTrue(allowed.contains(r.exitCode()), what + "\n" + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + what + "\n" + r);
        assertFalse(r.err().lines().anyMatch(l -> l.contains("Exception") || l.contains("Error:") && l.contains("java.")),
                "no exception: " + what + "\n" + r);
        assertFalse(r.err().contains("unexpected error"), what + "\n" + r);
    }

    @Test
    void inspectOfMutatedAnswers() throws IOException {
        List<JsonNode> donors = new ArrayList<>();
        MESSAGES.forEach(m -> donors.add(Mutations.parse(Fixtures.read(m))));
        donors.add(Mutations.parse(Fixtures.read("permission-list.json")));
        // The recorded status and permission list, about this session (retrying, one pending) or another one.
        String retrying = Fixtures.read("session-status.json").replace("ses_df604e9d5ffeZETbNH46nDgKFt", SID);
        String others = Fixtures.read("session-status.json");
        String pending = Fixtures.read("permission-list.json").replace("ses_df604f802ffeoZehXyKiLM7Gzy", SID);
        String othersPending = Fixtures.read("permission-list.json");
        String session = "{\"id\":\"" + SID + "\",\"title\":\"t\",\"directory\":\"/d\",\"version\":\"1.18.33\","
                + "\"time\":{\"created\":1795463869641,\"updated\":1795463869850}}";
        Random r = new Random(0xC11L);
        int[] byExit = new int[256];
        for (int i = 0; i < 300; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            byte[] messages = mutate(MESSAGES.get(c.nextInt(MESSAGES.size())), c, donors);
            String status = c.nextInt(4) == 0 ? retrying : others;
            String perms = c.nextInt(4) == 0 ? pending : othersPending;
            byte[] st = Mutations.bytes(status);
            byte[] pe = Mutations.bytes(perms);
            byte[] se = Mutations.bytes(session);
            switch (c.nextInt(8)) {
                case 0 -> st = c.nextBoolean() ? Mutations.byteLevel(st, c)
                        : Mutations.bytes(Mutations.structural(Mutations.parse(status), c, donors).toString());
                case 1 -> pe = c.nextBoolean() ? Mutations.byteLevel(pe, c)
                        : Mutations.bytes(Mutations.structural(Mutations.parse(perms), c, donors).toString());
                case 2 -> se = c.nextBoolean() ? Mutations.byteLevel(se, c)
                        : Mutations.bytes(Mutations.structural(Mutations.parse(session), c, donors).toString());
                default -> { }
            }
            put(get(urlPathEqualTo("/session/" + SID + "/message")).withId(MESSAGE_STUB).willReturn(
                    aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(messages)));
            put(get(urlPathEqualTo("/session/status")).withId(STATUS_STUB).willReturn(
                    aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(st)));
            put(get(urlPathEqualTo("/permission")).withId(PERMISSION_STUB).willReturn(
                    aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(pe)));
            put(get(urlPathEqualTo("/session/" + SID)).withId(SESSION_STUB).willReturn(
                    aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(se)));
            List<String> args = new ArrayList<>();
            boolean json = c.nextBoolean();
            if (json) {
                args.add("--json");
            }
            if (c.nextInt(4) == 0) {
                args.add("--full");
            }
            if (c.nextInt(4) == 0) {
                args.add("--thinking");
            }
            if (c.nextInt(5) == 0) {
                args.add("--expect-model");
                args.add("mock/other");
            }
            args.add(0, "inspect");
            args.add(SID);
            Cli.Result res = Cli.withUrl(wm.baseUrl()).tty(c.nextBoolean()).run(args.toArray(String[]::new));
            String what = "seed " + seed + ": ocs " + String.join(" ", args) + " with " + preview(messages);
            assertClean(what, res, List.of(0, 1, 8, 6));
            byExit[res.exitCode()]++;
            if (res.exitCode() == ExitCode.SERVER_ERROR) {
                assertEquals(1, res.err().strip().lines().count(), "one line: " + what + "\n" + res);
                assertTrue(res.err().startsWith("ocs: "), what + "\n" + res);
                assertEquals("", res.out(), "no half report: " + what);
            } else {
                assertEquals("", res.err(), what + "\n" + res);
                if (json) {
                    JsonNode doc = Mutations.parse(res.out());
                    assertEquals(res.exitCode(), doc.get("exitCode").asInt(), what);
                }
            }
        }
        System.out.printf("FuzzCliTest: 300 inspect runs: exit 0 %d, 1 %d, 8 %d, 6 %d%n", byExit[0], byExit[1],
                byExit[8], byExit[6]);
        assertTrue(byExit[6] > 0 && byExit[0] + byExit[1] + byExit[8] > 0, "both reports and refusals were seen");
    }

    /** send --wait over damaged event streams: the wait ends, with a documented code, whatever the stream says. */
    @Test
    void sendWaitOverMutatedEventStreams() {
        wm.stubFor(post("/session").willReturn(okJson("{\"id\":\"" + SEND_SID + "\"}")));
        wm.stubFor(post(urlPathEqualTo("/session/" + SEND_SID + "/prompt_async")).willReturn(aResponse().withStatus(204)));
        wm.stubFor(get(urlPathEqualTo("/session/" + SEND_SID)).willReturn(okJson("{\"id\":\"" + SEND_SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SEND_SID + "/message"))
                .willReturn(okJson(Fixtures.read("normal.messages.json"))));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        wm.stubFor(post(urlPathMatching("/permission/.*")).willReturn(okJson("true")));
        String recorded = Fixtures.read("tool-permission-approved.events.sse");
        List<JsonNode> events = new ArrayList<>();
        for (String line : recorded.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(Mutations.parse(line.substring(6)));
            }
        }
        // After the damage, a clean end: busy then idle for the session, so most runs end at once.
        String end = "\n\ndata: {\"type\":\"session.status\",\"properties\":{\"sessionID\":\"" + SEND_SID + "\","
                + "\"status\":{\"type\":\"busy\"}}}\n\ndata: {\"type\":\"session.idle\",\"properties\":{\"sessionID\":\""
                + SEND_SID + "\"}}\n\n";
        Random r = new Random(0x5E4D);
        int[] byExit = new int[256];
        for (int i = 0; i < 40; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            byte[] stream;
            if (c.nextBoolean()) {
                stream = Mutations.byteLevel(Mutations.bytes(recorded), c);
            } else {
                StringBuilder sb = new StringBuilder();
                for (JsonNode e : events) {
                    sb.append("data: ").append(c.nextInt(6) == 0 ? Mutations.structural(e, c, events) : e).append("\n\n");
                }
                stream = Mutations.bytes(sb.toString());
            }
            wm.resetScenarios();
            wm.stubFor(get(urlPathEqualTo("/session/status")).inScenario("run").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson("{\"" + SEND_SID + "\":{\"type\":\"busy\"}}")).willSetStateTo("done"));
            wm.stubFor(get(urlPathEqualTo("/session/status")).inScenario("run").whenScenarioStateIs("done")
                    .willReturn(okJson("{}")));
            put(get(urlPathEqualTo("/event")).withId(EVENT_STUB).willReturn(aResponse().withStatus(200)
                    .withHeader("content-type", "text/event-stream")
                    .withBody(concat(stream, Mutations.bytes(end)))));
            String onPermission = Mutations.pick(c, List.of("stop", "once", "always", "reject"));
            String[] args = {"send", "--timeout", "10s", c.nextBoolean() ? "--wait" : "--stream", "--on-permission",
                    onPermission, "hi"};
            Cli.Result res = Cli.withUrl(wm.baseUrl()).run(args);
            String what = "seed " + seed + ": ocs " + String.join(" ", args);
            assertClean(what, res, List.of(0, 1, 6, 7, 8));
            byExit[res.exitCode()]++;
        }
        System.out.printf("FuzzCliTest: 40 send --wait runs: exit 0 %d, 1 %d, 8 %d, 6 %d, 7 %d%n", byExit[0],
                byExit[1], byExit[8], byExit[6], byExit[7]);
        assertEquals(0, byExit[7], "the clean end after the damage always ends the wait");
    }

    /** Adds the stub, or replaces the one with its id (WireMock refuses a second stub with the same id). */
    static void put(MappingBuilder stub) {
        StubMapping m = stub.build();
        if (wm.getStubMappings().stream().anyMatch(x -> x.getId().equals(m.getId()))) {
            wm.editStub(stub);
        } else {
            wm.stubFor(stub);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String preview(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 300), java.nio.charset.StandardCharsets.UTF_8);
        return s.replace("\n", "\\n") + (b.length > 300 ? "…" : "");
    }
}

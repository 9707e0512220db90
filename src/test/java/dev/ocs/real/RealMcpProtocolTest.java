package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ocs mcp} spoken to line by line, as any client would, without an SDK in between: the handshake, that
 * stdout carries nothing but the protocol's messages, the end of input, and cancellation.
 */
class RealMcpProtocolTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static void initialize(OcsProcess ocs, String version) {
        ocs.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"line-client\",\"version\":\"1\"}}}");
        ocs.awaitOut("\"id\":1,", LIMIT);
        ocs.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    private static String call(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    /** Every line of stdout, each of which must be a JSON-RPC 2.0 message. */
    private static List<JsonNode> messages(OcsProcess ocs) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : ocs.out().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode n = Json.mapper().readTree(line);
                assertEquals("2.0", n.path("jsonrpc").asText(), "a JSON-RPC 2.0 message: " + line);
                out.add(n);
            } catch (IOException e) {
                fail("stdout carries something that is not a protocol message: " + line + "\n" + ocs);
            }
        }
        return out;
    }

    private static JsonNode response(OcsProcess ocs, int id) {
        ocs.awaitOut("\"id\":" + id + ",", LIMIT);
        return messages(ocs).stream().filter(m -> m.path("id").asInt(-1) == id).findFirst()
                .orElseThrow(() -> new AssertionError("no response " + id + "\n" + ocs));
    }

    @Test
    void handshakeCapabilitiesAndNothingStrayOnStdout() throws InterruptedException {
        try (OcsProcess ocs = OcsProcess.startPiped("mcp")) {
            initialize(ocs, "2025-06-18");
            ocs.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            ocs.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            ocs.send(call(4, "inspect_session", "{\"session_id\":\"ses_missing0000\"}"));
            ocs.send(call(5, "list_sessions", "{\"limit\":3}"));
            response(ocs, 5);
            ocs.closeInput();
            assertEquals(0, ocs.waitFor(Duration.ofSeconds(20)), "ends when the client closes stdin\n" + ocs);

            List<JsonNode> all = messages(ocs);
            Set<Integer> ids = new TreeSet<>();
            all.forEach(m -> ids.add(m.path("id").asInt(-1)));
            assertEquals(Set.of(1, 2, 3, 4, 5), ids, "one response per request, nothing else\n" + ocs);
            assertEquals(5, all.size(), ocs.toString());

            JsonNode init = response(ocs, 1).path("result");
            assertEquals("2025-06-18", init.path("protocolVersion").asText(), init.toString());
            assertTrue(init.path("capabilities").has("tools"), init.toString());
            assertEquals("ocs", init.path("serverInfo").path("name").asText(), init.toString());
            assertTrue(init.path("instructions").asText().contains("permission-pending"), init.toString());
            assertEquals(9, response(ocs, 2).path("result").path("tools").size());
            assertTrue(response(ocs, 3).has("result"), "ping answered");
            JsonNode missing = response(ocs, 4).path("result");
            assertTrue(missing.path("isError").asBoolean(), missing.toString());
            assertTrue(missing.path("content").path(0).path("text").asText().endsWith("(exit 5)"), missing.toString());
            JsonNode list = response(ocs, 5).path("result");
            assertFalse(list.path("isError").asBoolean(), list.toString());
            assertEquals(0, list.path("structuredContent").path("exitCode").asInt(-1), list.toString());
            assertFalse(ocs.err().contains("Exception"), "no stack trace on stderr\n" + ocs);
        }
    }

    @Test
    void whatWasAskedBeforeTheEndOfInputIsAnswered() throws InterruptedException {
        try (OcsProcess ocs = OcsProcess.startPiped("mcp")) {
            ocs.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"pipe\",\"version\":\"1\"}}}");
            ocs.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            ocs.send(call(2, "list_sessions", "{\"limit\":1}"));
            ocs.send("not json at all");
            ocs.closeInput(); // at once, as `printf … | ocs mcp` does
            assertEquals(0, ocs.waitFor(Duration.ofSeconds(30)), ocs.toString());
            assertEquals(0, response(ocs, 2).path("result").path("structuredContent").path("exitCode").asInt(-1),
                    ocs.toString());
            assertEquals(2, messages(ocs).size(), ocs.toString());
            assertTrue(ocs.err().contains("ocs mcp: ignored a line that is not a JSON-RPC 2.0 message: not json"),
                    ocs.err());
        }
    }

    @Test
    void aLongWaitReportsProgressToAClientThatAskedForIt() throws InterruptedException {
        String sid = RealServer.session("HANG", null);
        RealServer.awaitStatus(sid, "busy"::equals, LIMIT);
        try (OcsProcess ocs = OcsProcess.startPiped("mcp")) {
            initialize(ocs, "2025-06-18");
            ocs.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"wait_session\","
                    + "\"arguments\":{\"session_ids\":[\"" + sid + "\"],\"timeout_seconds\":12},"
                    + "\"_meta\":{\"progressToken\":\"wait-3\"}}}");
            JsonNode result = response(ocs, 3).path("result");
            assertEquals(7, result.path("structuredContent").path("exitCode").asInt(), result.toString());
            List<JsonNode> progress = messages(ocs).stream()
                    .filter(m -> "notifications/progress".equals(m.path("method").asText())).toList();
            assertEquals(1, progress.size(), "one beat in 12 s, every 10 s\n" + ocs);
            assertEquals("wait-3", progress.get(0).path("params").path("progressToken").asText());
            assertEquals(10, progress.get(0).path("params").path("progress").asInt(), progress.toString());
            ocs.closeInput();
            assertEquals(0, ocs.waitFor(Duration.ofSeconds(20)), ocs.toString());
        } finally {
            RealServer.abort(sid);
        }
    }

    @Test
    void anOlderProtocolVersionIsSpokenToo() throws InterruptedException {
        try (OcsProcess ocs = OcsProcess.startPiped("mcp")) {
            initialize(ocs, "2024-11-05");
            assertEquals("2024-11-05", response(ocs, 1).path("result").path("protocolVersion").asText());
            ocs.closeInput();
            assertEquals(0, ocs.waitFor(Duration.ofSeconds(20)), ocs.toString());
        }
    }

    @Test
    void aCancelledWaitStopsWaitingAndLeavesTheRunUnlessAskedToAbort() throws InterruptedException {
        String sid = RealServer.session("HANG", null);
        RealServer.awaitStatus(sid, "busy"::equals, LIMIT);
        try (OcsProcess ocs = OcsProcess.startPiped("mcp")) {
            initialize(ocs, "2025-06-18");

            ocs.send(call(7, "wait_session", "{\"session_ids\":[\"" + sid + "\"],\"timeout_seconds\":60}"));
            RealServer.sleep(1500);
            ocs.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7,"
                    + "\"reason\":\"the user pressed stop\"}}");
            JsonNode left = response(ocs, 7).path("result");
            String said = left.path("content").path(0).path("text").asText();
            assertTrue(left.path("isError").asBoolean(), left.toString());
            assertTrue(said.startsWith("ocs: cancelled (the user pressed stop)") && said.contains(sid + " keeps running")
                    && said.endsWith("(exit 130)"), said);
            assertEquals("busy", RealServer.status(sid).path("type").asText(), "no abort was sent");

            ocs.send(call(8, "wait_session", "{\"session_ids\":[\"" + sid + "\"],\"timeout_seconds\":60,"
                    + "\"abort_on_cancel\":true}"));
            RealServer.sleep(1500);
            ocs.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"8\"}}");
            // a string id is another request than the number 8: nothing happens to it
            RealServer.sleep(1000);
            assertFalse(ocs.out().contains("\"id\":8,"), ocs.toString());
            ocs.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":8}}");
            String aborted = response(ocs, 8).path("result").path("content").path(0).path("text").asText();
            assertTrue(aborted.contains("aborted " + sid), aborted);
            RealServer.awaitStatus(sid, "idle"::equals, LIMIT);

            // send_prompt's own new session: known from the command's "session ses_…" line
            ocs.send(call(9, "send_prompt", "{\"prompt\":\"HANG\",\"timeout_seconds\":60,\"abort_on_cancel\":true}"));
            RealServer.sleep(2500);
            ocs.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}");
            String third = response(ocs, 9).path("result").path("content").path(0).path("text").asText();
            assertTrue(third.matches("ocs: cancelled; aborted ses_\\S+ \\(exit 130\\)"), third);
            String newSid = third.replaceAll(".*aborted (ses_\\S+).*", "$1");
            RealServer.awaitStatus(newSid, "idle"::equals, LIMIT);
            ocs.closeInput();
            assertEquals(0, ocs.waitFor(Duration.ofSeconds(20)), ocs.toString());
        }
    }
}

package dev.ocs.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MCP front end without a server: the command lines tools run, the stdin filter, the results. */
class McpToolsTest {
    private static Tools.Tool tool(String name) {
        return Tools.all().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Tools.Command argv(String tool, Map<String, Object> args) {
        return tool(tool).argv().apply(new Arguments(args));
    }

    @Test
    void sendPromptSendsThePromptAsStandardInputAndWaitsBriefByDefault() {
        String prompt = "--not-an-option \"quoted\"\nline two ünï 🚀";
        Tools.Command c = argv("send_prompt", Map.of("prompt", prompt, "title", "-dash", "model", "p/m"));
        assertEquals(List.of("send", "-", "--model=p/m", "--title=-dash", "--wait", "--brief", "--timeout=120s"),
                c.args());
        assertArrayEquals(prompt.getBytes(StandardCharsets.UTF_8), c.stdin(), "the prompt's bytes, unchanged");
        Tools.Command quick = argv("send_prompt", Map.of("prompt", "x", "wait", false, "session_id", "ses_a"));
        assertEquals(List.of("send", "-", "--session=ses_a"), quick.args());
        assertEquals("ses_a", quick.sessionID());
    }

    @Test
    void eachToolsCommandLine() {
        assertEquals(List.of("inspect", "ses_a", "--brief", "--last=3"),
                argv("inspect_session", Map.of("session_id", "ses_a", "last", 3)).args());
        assertEquals(List.of("wait", "--any", "--timeout=5s", "--max-cost=0.5", "--", "ses_a", "ses_b"),
                argv("wait_session", Map.of("session_ids", List.of("ses_a", "ses_b"), "any", true,
                        "timeout_seconds", 5, "max_cost", 0.5)).args());
        assertEquals(List.of("approve", "ses_a", "per_1", "--reject", "--message=not there"),
                argv("approve_permission", Map.of("session_id", "ses_a", "permission_id", "per_1",
                        "reply", "reject", "message", "not there")).args());
        assertEquals(List.of("answer", "ses_a", "--option=Postgres", "--next", "--option=Docker", "--option=Cloud",
                        "--text=-in a VM", "--wait", "--brief", "--timeout=120s"),
                argv("answer_question", Map.of("session_id", "ses_a", "wait", true, "answers", List.of(
                        Map.of("options", List.of("Postgres")),
                        Map.of("options", List.of("Docker", "Cloud"), "text", "-in a VM")))).args());
        assertEquals(List.of("export", "ses_a", "--format=md", "--output=/tmp/x.md"),
                argv("export_session", Map.of("session_id", "ses_a", "path", "/tmp/x.md")).args());
        assertEquals(List.of("doctor", "--probe"), argv("server_status", Map.of("probe", "default")).args());
        assertEquals(List.of("doctor", "--probe=p/m"), argv("server_status", Map.of("probe", "p/m")).args());
        assertEquals(List.of("list", "--limit=5", "--busy"),
                argv("list_sessions", Map.of("limit", 5, "busy", true)).args());
        assertFalse(tool("export_session").json(), "export's Markdown is not --json");
    }

    @Test
    void argumentsOfTheWrongTypeAreNamed() {
        Arguments.Invalid e = assertThrows(Arguments.Invalid.class,
                () -> argv("inspect_session", Map.of("session_id", 42)));
        assertEquals("argument 'session_id' must be a string", e.getMessage());
        assertThrows(Arguments.Invalid.class, () -> argv("wait_session", Map.of("session_ids", List.of())));
        assertThrows(Arguments.Invalid.class, () -> argv("inspect_session", Map.of("session_id", "ses_a",
                "last", 1.5)));
    }

    @Test
    void everyToolHasAnObjectSchemaWhoseRequiredArgumentsItDescribes() {
        for (Tools.Tool t : Tools.all()) {
            assertEquals("object", t.inputSchema().get("type"), t.name());
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) t.inputSchema().get("properties");
            Object required = t.inputSchema().get("required");
            if (required != null) {
                for (Object r : (List<?>) required) {
                    assertTrue(props.containsKey(r), t.name() + " describes " + r);
                }
            }
        }
    }

    private static String line(Inbound in, String json) {
        return new String(in.pass(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void theInboundFilterTagsToolCallsTakesCancellationsAndPassesTheRestUnchanged() throws Exception {
        Calls calls = new Calls();
        Inbound in = new Inbound(new ByteArrayInputStream(new byte[0]), calls, new PrintWriter(new StringWriter()));
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,  \"method\":\"ping\"}";
        assertEquals(ping + "\n", line(in, ping), "byte for byte");
        assertEquals("", line(in, "not json"));

        JsonNode tagged = Json.mapper().readTree(line(in, "{\"jsonrpc\":\"2.0\",\"id\":\"a7\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"list_sessions\",\"arguments\":{},\"_meta\":{\"progressToken\":3}}}"));
        assertEquals("\"a7\"", tagged.path("params").path("_meta").path(Inbound.REQUEST_ID).asText());
        assertEquals(3, tagged.path("params").path("_meta").path("progressToken").asInt(), "the client's _meta kept");

        Calls.Call call = calls.start("\"a7\"");
        assertEquals("", line(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":\"a7\",\"reason\":\"stop\"}}"), "the SDK does not see it");
        assertTrue(call.cancelled());
        assertEquals("stop", call.reason());
        assertTrue(Thread.interrupted(), "the call's thread was interrupted");
        calls.end("\"a7\"", call);
        assertTrue(calls.idle());
    }

    @Test
    void endOfInputIsSeenAndALineTooLongIsDropped() throws Exception {
        StringWriter log = new StringWriter();
        byte[] input = ("{\"a\":1}\n" + "x".repeat(Inbound.MAX_LINE + 10) + "\n{\"b\":2}")
                .getBytes(StandardCharsets.UTF_8);
        Inbound in = new Inbound(new ByteArrayInputStream(input), new Calls(), new PrintWriter(log, true));
        java.io.InputStream sdk = in.start();
        assertTrue(in.closed().await(5, java.util.concurrent.TimeUnit.SECONDS), "the end of input is signalled");
        assertTrue(in.drained(), "nothing left for the SDK");
        in.close(); // the SDK sees the end only now
        assertEquals("", new String(sdk.readAllBytes(), StandardCharsets.UTF_8), "neither is JSON-RPC");
        assertTrue(log.toString().contains("dropped a message of over 32 MiB"), log.toString());

        StringWriter log2 = new StringWriter();
        byte[] mixed = ("\n  \n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\nhello\n{}\n[1]\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").getBytes(StandardCharsets.UTF_8);
        Inbound in2 = new Inbound(new ByteArrayInputStream(mixed), new Calls(), new PrintWriter(log2, true));
        java.io.InputStream sdk2 = in2.start();
        assertTrue(in2.closed().await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(in2.drained(), "two messages wait for the SDK");
        in2.close();
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n",
                new String(sdk2.readAllBytes(), StandardCharsets.UTF_8), "blank and foreign lines left out");
        assertEquals(3, log2.toString().lines().filter(l -> l.startsWith("ocs mcp: ignored a line that is not a "
                + "JSON-RPC 2.0 message: ")).count(), log2.toString());
    }

    @Test
    void outcomesWithAReportAreResultsAndTheRestAreToolErrors() {
        McpServe serve = new McpServe(Map.of(), List.of(), new PrintWriter(new StringWriter()), false);
        Tools.Tool send = tool("send_prompt");
        Tools.Command c = new Tools.Command(List.of("send"), null, "ses_a");
        McpSchema.CallToolResult timeout = serve.result(send, c, new McpServe.Run(7,
                "{\"session\":{\"id\":\"ses_a\"}}".getBytes(StandardCharsets.UTF_8),
                "ocs: no end after 2s; ses_a is still running. Stop it with: ocs abort ses_a\n"));
        assertFalse(timeout.isError());
        JsonNode doc = Json.mapper().valueToTree(timeout.structuredContent());
        assertEquals(7, doc.path("exitCode").asInt());
        assertEquals("still running: call wait_session with session_ids [\"ses_a\"]", doc.path("next").asText());

        McpSchema.CallToolResult wait = serve.result(tool("wait_session"), c, new McpServe.Run(0,
                "[{\"sessionID\":\"ses_a\"}]".getBytes(StandardCharsets.UTF_8), ""));
        assertEquals("ses_a", Json.mapper().valueToTree(wait.structuredContent()).path("sessions").path(0)
                .path("sessionID").asText(), "wait's array, under sessions");

        for (int exit : new int[] {2, 3, 4, 5, 6, 130}) {
            McpSchema.CallToolResult e = serve.result(send, c, new McpServe.Run(exit, new byte[0],
                    "session ses_a\nocs: what went wrong\n"));
            assertTrue(e.isError(), "exit " + exit);
            assertEquals("ocs: what went wrong (exit " + exit + ")",
                    ((McpSchema.TextContent) e.content().get(0)).text());
        }
    }
}

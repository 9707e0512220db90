package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.bench.StandInModel;
import dev.ocs.http.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ocs mcp} as its own process, driven over stdio by the MCP Java SDK's client, against the real opencode
 * server and the stand-in model: the tools as an agent would call them.
 */
class RealMcpTest {
    private static McpSyncClient client;
    private static final StringBuffer stderr = new StringBuffer();

    @BeforeAll
    static void start() {
        RealServer.server();
        List<String> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), "dev.ocs.Main",
                "mcp"));
        ServerParameters params = ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()).args(args).env(RealServer.server().env()).build();
        StdioClientTransport transport = new StdioClientTransport(params,
                new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()));
        transport.setStdErrorHandler(stderr::append);
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90)).build();
        client.initialize();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.closeGracefully();
        }
    }

    private static McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
    }

    /** A normal result's JSON (the command's --json plus exitCode), from its text content. */
    private static JsonNode doc(McpSchema.CallToolResult r) {
        assertFalse(Boolean.TRUE.equals(r.isError()), "a normal result: " + text(r));
        try {
            JsonNode n = Json.mapper().readTree(text(r));
            assertEquals(n, Json.mapper().valueToTree(r.structuredContent()), "structuredContent = the text");
            return n;
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text(r), e);
        }
    }

    private static String text(McpSchema.CallToolResult r) {
        return r.content().stream().filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining());
    }

    private static Set<String> codes(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        doc.path("findings").forEach(f -> out.add(f.path("code").asText()));
        return out;
    }

    @Test
    void listsItsToolsWithSchemasAndDescriptions() {
        McpSchema.ListToolsResult tools = client.listTools();
        Set<String> names = tools.tools().stream().map(McpSchema.Tool::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("list_sessions", "inspect_session", "send_prompt", "wait_session",
                "approve_permission", "answer_question", "abort_session", "export_session", "server_status")), names);
        for (McpSchema.Tool t : tools.tools()) {
            assertTrue(t.description().length() > 60, t.name() + " is described for a model");
            assertEquals("object", t.inputSchema().get("type"), t.name());
        }
        McpSchema.Tool inspect = tools.tools().stream().filter(t -> t.name().equals("inspect_session")).findFirst()
                .orElseThrow();
        assertTrue(inspect.description().contains("model-connect-failed") && inspect.description()
                .contains("question-pending"), "the finding codes are explained: " + inspect.description());
        assertEquals(List.of("session_id"), inspect.inputSchema().get("required"));
    }

    @Test
    void sendPromptWaitsAndReturnsTheAnswerAndTheFindings() {
        String prompt = "say \"hi\" \\ twice\nthen stop — ünïcødé 🚀";
        JsonNode d = doc(call("send_prompt", Map.of("prompt", prompt)));
        assertEquals(0, d.path("exitCode").asInt(), d.toString());
        assertEquals(StandInModel.REPLY_PREFIX + prompt, d.path("answer").path("text").asText(),
                "the prompt reached the model unchanged, and the answer came back: " + d);
        assertTrue(d.path("brief").asBoolean(false) || d.has("messages"), d.toString());
        assertEquals(Set.of(), codes(d));
        String sid = d.path("session").path("id").asText();
        assertTrue(sid.startsWith("ses_"), d.toString());

        // inspect_session on it: brief by default, and list_sessions lists it
        JsonNode brief = doc(call("inspect_session", Map.of("session_id", sid)));
        assertTrue(brief.path("brief").asBoolean(), brief.toString());
        assertEquals(0, brief.path("messages").size(), "no messages unless `last`");
        assertEquals(2, doc(call("inspect_session", Map.of("session_id", sid, "last", 2))).path("messages").size());
        JsonNode list = doc(call("list_sessions", Map.of("limit", 50)));
        assertTrue(list.path("sessions").findValuesAsText("id").contains(sid), list.toString());
        String md = text(call("export_session", Map.of("session_id", sid)));
        assertTrue(md.contains(prompt) && md.contains("## Assistant"), md);
    }

    @Test
    void aPermissionIsApprovedThroughTheTools() {
        JsonNode asked = doc(call("send_prompt", Map.of("prompt", "TOOL mcp-approved.txt")));
        assertEquals(8, asked.path("exitCode").asInt(), asked.toString());
        assertTrue(codes(asked).contains("permission-pending"), asked.toString());
        assertTrue(asked.path("next").asText().contains("approve_permission"), asked.toString());
        String sid = asked.path("session").path("id").asText();
        String per = asked.path("permissions").path(0).path("id").asText();
        assertTrue(per.startsWith("per_"), asked.toString());

        JsonNode done = doc(call("approve_permission", Map.of("session_id", sid, "permission_id", per,
                "wait", true)));
        assertEquals(0, done.path("exitCode").asInt(), done.toString());
        assertTrue(done.path("answer").path("text").asText().startsWith("Tool finished"), done.toString());
        assertTrue(RealServer.server().project().resolve("mcp-approved.txt").toFile().exists(),
                "the approved bash command ran");
    }

    @Test
    void aQuestionIsAnsweredThroughTheTools() {
        JsonNode asked = doc(call("send_prompt", Map.of("prompt", "QUESTION")));
        assertEquals(8, asked.path("exitCode").asInt(), asked.toString());
        assertTrue(codes(asked).contains("question-pending"), asked.toString());
        String sid = asked.path("session").path("id").asText();
        JsonNode q = asked.path("questions").path(0);
        assertEquals("SQLite", q.path("questions").path(0).path("options").path(1).path("label").asText(), q.toString());

        JsonNode done = doc(call("answer_question", Map.of("session_id", sid,
                "answers", List.of(Map.of("options", List.of("sqlite"))), "wait", true)));
        assertEquals(0, done.path("exitCode").asInt(), done.toString());
        assertTrue(done.path("answer").path("text").asText().contains("SQLite"),
                "the label reached the model: " + done);
    }

    @Test
    void errorsAreToolErrorsWithOcsMessage() {
        McpSchema.CallToolResult unknown = call("inspect_session", Map.of("session_id", "ses_doesnotexist123"));
        assertTrue(unknown.isError(), text(unknown));
        assertTrue(text(unknown).startsWith("ocs: ") && text(unknown).contains("ses_doesnotexist123")
                && text(unknown).endsWith("(exit 5)"), text(unknown));
        assertFalse(text(unknown).contains("\n"), "one line: " + text(unknown));

        McpSchema.CallToolResult usage = call("inspect_session", Map.of("session_id", "not-a-session"));
        assertTrue(usage.isError(), text(usage));
        assertTrue(text(usage).endsWith("(exit 2)"), text(usage));

        McpSchema.CallToolResult waitUnknown = call("wait_session", Map.of("session_ids", List.of("ses_nothere00")));
        assertTrue(waitUnknown.isError() && text(waitUnknown).endsWith("(exit 5)"), text(waitUnknown));

        assertFalse(stderr.toString().contains("Exception"), "no stack trace on stderr: " + stderr);
    }

    @Test
    void aRunStillGoingAtTheTimeoutSaysCallWaitSessionThenAbortStopsIt() {
        JsonNode d = doc(call("send_prompt", Map.of("prompt", "HANG", "timeout_seconds", 2)));
        assertEquals(7, d.path("exitCode").asInt(), d.toString());
        String sid = d.path("session").path("id").asText();
        assertTrue(d.path("next").asText().startsWith("still running: call wait_session"), d.toString());
        assertEquals("busy", RealServer.status(sid).path("type").asText(), "the run goes on after the timeout");

        JsonNode waited = doc(call("wait_session", Map.of("session_ids", List.of(sid), "timeout_seconds", 1)));
        assertEquals(7, waited.path("exitCode").asInt(), waited.toString());
        assertFalse(waited.path("sessions").path(0).path("over").asBoolean(true), waited.toString());

        JsonNode aborted = doc(call("abort_session", Map.of("session_id", sid)));
        assertEquals(0, aborted.path("exitCode").asInt(), aborted.toString());
        assertTrue(aborted.path("wasRunning").asBoolean(), aborted.toString());
        assertEquals("idle", aborted.path("after").asText(), aborted.toString());
    }

    @Test
    void serverStatusIsDoctorsReport() {
        JsonNode d = doc(call("server_status", Map.of()));
        assertNotNull(d.get("checks"), d.toString());
        assertEquals("server", d.path("checks").path(0).path("name").asText(), d.toString());
        assertEquals("ok", d.path("checks").path(0).path("status").asText(), d.toString());
    }
}

package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ocs mcp} driven by an MCP client that is not the Java SDK: the official TypeScript SDK (npm
 * {@code @modelcontextprotocol/sdk}, the version pinned in pom.xml, installed into the cache on first use), run
 * by Node against the real server. What the client saw comes back as one JSON object.
 */
class RealMcpNodeClientTest {
    @Test
    void theTypeScriptSdkDrivesOcsMcp() throws Exception {
        String version = System.getProperty("mcp.node.sdk.version");
        assertNotNull(version, "mcp.node.sdk.version is set by the build (pom.xml)");
        Path sdk = OpencodeServer.npmInstall("@modelcontextprotocol/sdk@" + version, "mcp-node-sdk-" + version,
                Path.of("node_modules", "@modelcontextprotocol", "sdk", "package.json"),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8));
        // ES modules resolve packages next to the script: it runs from the install folder.
        Path script = sdk.getParent().getParent().getParent().getParent().resolve("node-client.mjs");
        try (InputStream in = getClass().getResourceAsStream("/mcp/node-client.mjs")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.ocs.Main", "mcp");
        pb.environment().putAll(RealServer.server().env());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process node = pb.start();
        byte[] out = node.getInputStream().readAllBytes();
        if (!node.waitFor(3, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            fail("the node client did not finish within 3 minutes");
        }
        JsonNode seen = Json.mapper().readTree(out);
        assertFalse(seen.has("error"), seen.path("error").asText());

        assertEquals("ocs", seen.path("server").path("name").asText(), seen.toString());
        assertTrue(seen.path("capabilities").has("tools"), seen.toString());
        assertEquals(List.of("list_sessions", "inspect_session", "send_prompt", "wait_session", "approve_permission",
                "answer_question", "abort_session", "export_session", "server_status"),
                Json.mapper().convertValue(seen.path("tools"), List.class));

        JsonNode send = seen.path("send");
        assertFalse(send.path("isError").asBoolean(), send.toString());
        JsonNode report = send.path("structuredContent");
        assertEquals(0, report.path("exitCode").asInt(-1), send.toString());
        assertEquals(StandInModel.REPLY_PREFIX + "hello from node ✓", report.path("answer").path("text").asText());
        assertEquals(report, Json.mapper().readTree(send.path("content").path(0).path("text").asText()),
                "the text content is the same JSON");

        JsonNode unknown = seen.path("unknown");
        assertTrue(unknown.path("isError").asBoolean(), unknown.toString());
        assertTrue(unknown.path("content").path(0).path("text").asText().endsWith("(exit 5)"), unknown.toString());

        // a wrong argument type: the SDK's schema check answers it as an error, not a crash
        JsonNode bad = seen.path("badArgument");
        assertTrue(bad.path("isError").asBoolean() || bad.has("thrown"), bad.toString());

        assertTrue(seen.path("cancelled").asText().contains("AbortError")
                || seen.path("cancelled").asText().contains("the user pressed stop"), seen.toString());
        assertTrue(seen.path("cancelledAfterMs").asLong() < 60_000, "cancelled, not run to a timeout: " + seen);
        JsonNode list = seen.path("list");
        assertFalse(list.path("isError").asBoolean(), "ocs mcp still serves after a cancellation: " + list);
        // abort_on_cancel: the run the cancelled call had started was aborted
        String hanging = null;
        for (JsonNode s : RealServer.api().get("/session")) {
            String sid = s.path("id").asText();
            JsonNode first = RealServer.api().get("/session/" + sid + "/message").path(0);
            if ("HANG from node".equals(first.path("parts").path(0).path("text").asText())) {
                hanging = sid;
            }
        }
        assertNotNull(hanging, "the cancelled call's session");
        RealServer.awaitStatus(hanging, "idle"::equals, java.time.Duration.ofSeconds(30));
    }
}

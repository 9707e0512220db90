package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.SessionServer;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * inspect --brief stays small whatever the session: the bench sessions of 20 KB, 2 MB and 50 MB, and one made to be
 * as bad as possible (hundreds of findings with long texts, a huge last answer). Prints the sizes.
 */
class BriefTest {
    static final int BOUND = 16 * 1024;

    private static Cli.Result inspect(SessionServer server, String... args) {
        Cli cli = Cli.withUrl(server.url()).env("OPENCODE_SERVER_PASSWORD", "p");
        return cli.run(args);
    }

    @Test
    void theBenchSessionsStayUnder16KB(@TempDir Path dir) throws Exception {
        try (SessionServer server = new SessionServer("p")) {
            for (long kib : new long[] {20, 2048, 50 * 1024}) {
                String sid = "ses_brief" + kib;
                Path file = dir.resolve(sid + ".json");
                SessionServer.generate(file, sid, kib);
                server.add(sid, file);
                Cli.Result human = inspect(server, "inspect", "--brief", sid);
                Cli.Result json = inspect(server, "--json", "inspect", "--brief", sid);
                int h = human.out().getBytes(StandardCharsets.UTF_8).length;
                int j = json.out().getBytes(StandardCharsets.UTF_8).length;
                System.err.println("inspect --brief, " + kib + " KiB session (" + Files.size(file) + " bytes): human "
                        + h + " bytes, --json " + j + " bytes");
                assertEquals(ExitCode.OK, human.exitCode(), human.toString());
                assertTrue(h < BOUND && j < BOUND, kib + " KiB: " + h + " / " + j);
                JsonNode doc = Json.mapper().readTree(json.out());
                assertTrue(doc.path("brief").asBoolean());
                assertEquals(0, doc.path("messages").size());
                assertTrue(doc.path("session").path("messageCount").asInt() > 0);
                assertTrue(human.out().contains("Newest answer"), human.out());
                assertFalse(human.out().contains("\nuser msg_"), "no messages: " + human.out());
                Cli.Result last = inspect(server, "--json", "inspect", "--brief", "--last", "2", sid);
                assertEquals(2, Json.mapper().readTree(last.out()).path("messages").size());
            }
        }
    }

    @Test
    void aSessionOfManyLongFindingsAndAHugeAnswerStaysUnder16KB(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("[");
        String longText = "x".repeat(20_000);
        for (int i = 0; i < 300; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"info\":{\"id\":\"msg_u").append(i).append("\",\"sessionID\":\"ses_bad1\",\"role\":\"user\","
                    + "\"time\":{\"created\":1}},\"parts\":[{\"type\":\"text\",\"text\":\"go\"}]},");
            sb.append("{\"info\":{\"id\":\"msg_a").append(i).append("\",\"sessionID\":\"ses_bad1\",\"role\":\"assistant\","
                    + "\"parentID\":\"msg_u").append(i).append("\",\"time\":{\"created\":1,\"completed\":2},\"finish\":\"stop\","
                    + "\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"").append(longText).append("\"}}},"
                    + "\"parts\":[{\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c").append(i).append("\",\"state\":"
                    + "{\"status\":\"error\",\"input\":{\"command\":\"").append(longText).append("\"},\"error\":\"")
                    .append(longText).append("\"}},{\"type\":\"text\",\"text\":\"").append("é".repeat(9000))
                    .append("\"}]}");
        }
        sb.append(']');
        Path file = dir.resolve("bad.json");
        Files.writeString(file, sb);
        try (SessionServer server = new SessionServer("p")) {
            server.add("ses_bad1", file);
            Cli.Result human = inspect(server, "inspect", "--brief", "ses_bad1");
            Cli.Result json = inspect(server, "--json", "inspect", "--brief", "ses_bad1");
            assertEquals(ExitCode.FINDING, human.exitCode(), human.toString());
            int h = human.out().getBytes(StandardCharsets.UTF_8).length;
            int j = json.out().getBytes(StandardCharsets.UTF_8).length;
            System.err.println("inspect --brief, " + Files.size(file) + " bytes of findings: human " + h + " bytes, --json "
                    + j + " bytes (without --brief: " + inspect(server, "--json", "inspect", "ses_bad1").out().length()
                    + " characters)");
            assertTrue(h < BOUND && j < BOUND, h + " / " + j);
            JsonNode doc = Json.mapper().readTree(json.out());
            assertEquals(8, doc.path("findings").size());
            assertTrue(doc.path("findingsOmitted").path("tool-error").asInt() > 200, doc.path("findingsOmitted").toString());
            assertTrue(doc.path("answer").path("trimmed").asBoolean());
            assertEquals(2000, doc.path("answer").path("text").asText().length());
            assertTrue(human.out().contains("more (without --brief: all of them)"), human.out());
        }
    }
}

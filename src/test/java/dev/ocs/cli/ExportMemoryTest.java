package dev.ocs.cli;

import dev.ocs.bench.SessionServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The export streams: the 50 MB bench session exports as Markdown and as JSON in a JVM held to 64 MB of heap
 * (a session read whole would not fit). ocs runs as its own process, as a user runs it.
 */
class ExportMemoryTest {
    static final String SID = "ses_bench50m";

    @Test
    void fiftyMegabytesExportInSixtyFourOfHeap(@TempDir Path dir) throws Exception {
        Path messages = dir.resolve(SID + ".messages.json");
        SessionServer.generate(messages, SID, 50 * 1024);
        long size = Files.size(messages);
        assertTrue(size > 50_000_000L, "the session is 50 MB: " + size);
        try (SessionServer server = new SessionServer("bench-password")) {
            server.add(SID, messages);
            Path md = dir.resolve("export.md");
            run(server, dir, "export", SID, "-o", md.toString());
            String head = new String(Files.readAllBytes(md), 0, 200, StandardCharsets.UTF_8);
            assertTrue(head.startsWith("# Benchmark session\n"), head);
            assertTrue(Files.size(md) > 10_000_000L, "every turn is in it: " + Files.size(md));
            Path json = dir.resolve("export.json");
            run(server, dir, "export", "--format", "json", SID, "-o", json.toString());
            assertTrue(Files.size(json) > size, "the messages whole, and the info: " + Files.size(json));
            // the messages are the server's bytes, untouched
            try (var in = Files.newInputStream(json); var original = Files.newInputStream(messages)) {
                byte[] start = in.readNBytes(4096);
                String text = new String(start, StandardCharsets.UTF_8);
                int at = text.indexOf("\"messages\": ") + "\"messages\": ".length();
                byte[] first = original.readNBytes(1024);
                assertEquals(new String(first, StandardCharsets.UTF_8),
                        new String(start, at, 1024, StandardCharsets.UTF_8));
            }
        }
    }

    private static void run(SessionServer server, Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), "dev.ocs.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("ocs.log").toFile());
        pb.environment().put("OCS_URL", server.url());
        pb.environment().put("OPENCODE_SERVER_PASSWORD", "bench-password");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ocs " + String.join(" ", args) + " did not end within 120 s");
        }
        assertEquals(0, p.exitValue(), "ocs " + String.join(" ", args) + " at -Xmx64m: "
                + Files.readString(dir.resolve("ocs.log")));
    }
}

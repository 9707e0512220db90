package dev.ocs.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A 50 MB session over {@code /api}, a page at a time, inspected and exported by ocs in a JVM held to 64 MB of
 * heap: the v2 layer keeps one page, never the session (as the v1 route's streaming reader does).
 */
class V2MemoryTest {
    static final String SID = "ses_v2bench50m";
    static final int MESSAGES = 10_400;
    static final String CHUNK = "0123456789abcdef".repeat(640); // 10 KB of text per answer

    @Test
    void fiftyMegabytesOverApiInSixtyFourOfHeap(@TempDir Path dir) throws Exception {
        AtomicLong served = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
            String body;
            if (path.equals("/api/session/" + SID)) {
                body = "{\"data\":{\"id\":\"" + SID + "\",\"projectID\":\"p\",\"title\":\"v2 bench\",\"time\":"
                        + "{\"created\":1,\"updated\":2},\"location\":{\"directory\":\"/p\"}}}";
            } else if (path.equals("/api/session/" + SID + "/message")) {
                body = page(query);
            } else if (path.equals("/api/session/active")) {
                body = "{\"data\":{}}";
            } else if (path.equals("/api/permission/request") || path.equals("/api/question/request")) {
                body = "{\"data\":[]}";
            } else {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            served.addAndGet(b.length);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            run(url, dir, 0, "inspect", SID);
            assertTrue(served.get() > 50_000_000L, "50 MB went over the wire: " + served.get());
            Path md = dir.resolve("export.md");
            run(url, dir, 0, "export", SID, "-o", md.toString());
            assertTrue(Files.size(md) > 10_000_000L, "every turn is in it: " + Files.size(md));
            Path json = dir.resolve("export.json");
            run(url, dir, 0, "export", "--format", "json", SID, "-o", json.toString());
            assertTrue(Files.size(json) > 50_000_000L, "the messages whole: " + Files.size(json));
            try (var in = Files.newInputStream(json)) {
                in.skip(Files.size(json) - 20_000);
                String end = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(end.contains(String.format("msg_%06d", MESSAGES - 1)), "the last message is there");
            }
        } finally {
            server.stop(0);
        }
    }

    /** A page of the generated session: users asking, the model answering 10 KB, oldest first. */
    static String page(String query) {
        int from = 0;
        int limit = 50;
        for (String kv : query.split("&")) {
            if (kv.startsWith("cursor=")) from = Integer.parseInt(kv.substring(7));
            if (kv.startsWith("limit=")) limit = Integer.parseInt(kv.substring(6));
        }
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode data = page.putArray("data");
        for (int i = from; i < Math.min(MESSAGES, from + limit); i++) {
            ObjectNode m = data.addObject().put("id", String.format("msg_%06d", i));
            m.putObject("time").put("created", 1000L + i).put("completed", 1000L + i);
            if (i % 2 == 0) {
                m.put("type", "user").put("text", "question " + i);
            } else {
                m.put("type", "assistant").put("agent", "build").put("finish", "stop").put("cost", 0.001);
                m.putObject("model").put("id", "m").put("providerID", "p");
                m.putObject("tokens").put("input", 100).put("output", 2500).put("reasoning", 0)
                        .putObject("cache").put("read", 0).put("write", 0);
                m.putArray("content").addObject().put("type", "text").put("id", "text-0").put("text", CHUNK);
            }
        }
        page.putObject("cursor").put("next", Integer.toString(Math.min(MESSAGES, from + limit)));
        return page.toString();
    }

    private static void run(String url, Path dir, int expected, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), "dev.ocs.Main", "--api", "v2"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("ocs.log").toFile());
        pb.environment().put("OCS_URL", url);
        pb.environment().put("OPENCODE_SERVER_PASSWORD", "bench-password");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ocs " + String.join(" ", args) + " did not end within 120 s");
        }
        assertEquals(expected, p.exitValue(), "ocs " + String.join(" ", args) + " at -Xmx64m: "
                + tail(Files.readString(dir.resolve("ocs.log"))));
    }

    private static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}

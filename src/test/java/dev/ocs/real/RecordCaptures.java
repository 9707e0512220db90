package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Records fresh fixtures from the bench into src/test/resources/captures/recorded/. Not part of the suite (the
 * name does not end in Test); run it on purpose: {@code mvn test -Dtest=RecordCaptures}. The unit tests read
 * what it wrote.
 */
class RecordCaptures {
    static final Path OUT = Path.of("src/test/resources/captures/recorded");

    static void save(String name, JsonNode json) throws IOException {
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve(name), json.toPrettyString() + "\n");
    }

    static void messages(String name, String sid) throws IOException {
        save(name + ".messages.json", RealServer.api().get(OpencodeClient.path("session", sid, "message")));
    }

    @Test
    void record() throws IOException {
        OpencodeServer s = RealServer.server();

        String unknown = RealServer.session("hello", "mock/no-such-model");
        RealServer.awaitSettled(unknown);
        messages("unknown-model", unknown);

        String upstream = RealServer.session("FAIL please", null);
        RealServer.awaitStatus(upstream, "retry"::equals, Duration.ofSeconds(30));
        messages("upstream-500", upstream);
        save("upstream-500.status.json", RealServer.api().get("/session/status"));
        RealServer.abort(upstream);

        String tool = RealServer.session("TOOL recorded.txt", null);
        String pid = RealServer.awaitPermission(tool).path("id").asText();
        RealServer.api().post(OpencodeClient.path("permission", pid, "reply"), null,
                Json.mapper().createObjectNode().put("reply", "once"));
        RealServer.awaitMessages(tool, 3);
        messages("tool-approved", tool);

        String rejected = RealServer.session("TOOL rejected.txt", null);
        String rid = RealServer.awaitPermission(rejected).path("id").asText();
        RealServer.api().post(OpencodeClient.path("permission", rid, "reply"), null,
                Json.mapper().createObjectNode().put("reply", "reject"));
        RealServer.awaitSettled(rejected);
        messages("tool-rejected", rejected);

        String big = RealServer.session("BIG 2048", null);
        RealServer.awaitIdle(big);
        messages("big-reply", big);
        System.err.println("recorded from " + s.url() + " into " + OUT.toAbsolutePath());
    }
}

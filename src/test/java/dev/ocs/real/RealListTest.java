package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.ExitCode;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.ocs.real.RealServer.api;
import static dev.ocs.real.RealServer.awaitIdle;
import static dev.ocs.real.RealServer.awaitPermission;
import static dev.ocs.real.RealServer.awaitStatus;
import static dev.ocs.real.RealServer.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * list against a real server holding an idle session with a child, a busy one (HANG) and one blocked on a
 * permission (TOOL). Every session here has a title with this run's tag, so --search keeps out the other tests'.
 */
class RealListTest {
    static final String TAG = "listtag" + Long.toHexString(System.nanoTime());
    static String idle;
    static String child;
    static String busy;
    static String blocked;
    static String permissionId;

    static String create(String title, String parent) {
        ObjectNode body = Json.mapper().createObjectNode().put("title", title);
        if (parent != null) body.put("parentID", parent);
        return Json.text(api().post("/session", null, body), "id");
    }

    @BeforeAll
    static void situations() {
        idle = create(TAG + " idle", null);
        RealServer.prompt(idle, "hello list", null);
        awaitIdle(idle);
        child = create(TAG + " child", idle);
        busy = create(TAG + " busy", null);
        RealServer.prompt(busy, "HANG in the list", null);
        awaitStatus(busy, "busy"::equals, Duration.ofSeconds(30));
        blocked = create(TAG + " blocked", null);
        RealServer.prompt(blocked, "TOOL list-blocked.txt", null);
        permissionId = awaitPermission(blocked).path("id").asText();
    }

    @AfterAll
    static void cleanUp() {
        if (busy != null) RealServer.abort(busy);
        if (blocked != null && permissionId != null) cli().run("approve", blocked, permissionId, "--reject");
    }

    static JsonNode json(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("list", "--search", TAG, "--json"));
        all.addAll(List.of(args));
        Cli.Result r = cli().run(all.toArray(String[]::new));
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        return Json.mapper().readTree(r.out());
    }

    static Map<String, JsonNode> byId(JsonNode doc) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        doc.path("sessions").forEach(s -> m.put(s.path("id").asText(), s));
        return m;
    }

    @Test
    void jsonListsEachSessionWithWhatItIsDoing() throws IOException {
        JsonNode doc = json();
        Map<String, JsonNode> s = byId(doc);
        assertEquals(List.of(blocked, busy, idle, child), new ArrayList<>(s.keySet()),
                "newest first, the child right under its parent: " + doc.toPrettyString());
        assertEquals("idle", s.get(idle).path("status").asText());
        assertEquals("busy", s.get(busy).path("status").asText());
        assertEquals("permission", s.get(blocked).path("status").asText());
        assertEquals(permissionId, s.get(blocked).path("permissions").get(0).path("id").asText());
        assertEquals("bash", s.get(blocked).path("permissions").get(0).path("permission").asText());
        assertEquals(idle, s.get(child).path("parentID").asText());
        assertEquals(1, s.get(child).path("depth").asInt());
        assertEquals(0, s.get(idle).path("depth").asInt());
        assertEquals("mock/mock-model", s.get(idle).path("model").asText());
        assertTrue(s.get(idle).path("tokens").path("input").asLong() > 0, s.get(idle).toString());
        assertTrue(s.get(idle).path("cost").isNumber());
        assertEquals(TAG + " idle", s.get(idle).path("title").asText());
        assertTrue(s.get(idle).path("updated").asLong() >= s.get(idle).path("created").asLong());
        assertTrue(s.get(child).path("model").isNull(), "a child that never ran has no model");
        for (String key : List.of("id", "title", "parentID", "depth", "directory", "status", "retry", "permissions",
                "created", "updated", "model", "agent", "tokens", "cost")) {
            assertTrue(s.get(child).has(key), "every documented key is present: " + key);
        }
        assertFalse(doc.path("more").asBoolean());
    }

    @Test
    void busyKeepsOnlyWhatIsWorkingOrWaiting() throws IOException {
        assertEquals(List.of(blocked, busy), new ArrayList<>(byId(json("--busy")).keySet()));
        Cli.Result human = cli().run("list", "--busy", "--search", TAG);
        assertEquals(ExitCode.OK, human.exitCode(), human.toString());
        assertTrue(human.err().contains("approve " + blocked + " " + permissionId), "the command that answers it: " + human);
        assertFalse(human.out().contains(idle), human.out());
    }

    @Test
    void rootsLeavesOutChildren() throws IOException {
        assertEquals(List.of(blocked, busy, idle), new ArrayList<>(byId(json("--roots")).keySet()));
    }

    @Test
    void limitCutsTheNewestAndSaysThereIsMore() throws IOException {
        JsonNode doc = json("--limit", "2");
        assertEquals(List.of(blocked, busy), new ArrayList<>(byId(doc).keySet()));
        assertTrue(doc.path("more").asBoolean());
        Cli.Result human = cli().run("list", "--search", TAG, "-n", "2");
        assertTrue(human.err().contains("--limit"), human.err());
    }

    @Test
    void theTableShowsStatusModelAndTheChildIndented() {
        Cli.Result r = cli().run("list", "--search", TAG);
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("ID ") && lines.get(0).contains("STATUS") && lines.get(0).contains("TITLE"), lines.get(0));
        assertTrue(lines.get(1).startsWith(blocked) && lines.get(1).contains(" permission "), lines.get(1));
        assertTrue(lines.get(2).startsWith(busy) && lines.get(2).contains(" busy "), lines.get(2));
        assertTrue(lines.get(3).startsWith(idle) && lines.get(3).contains(" idle ") && lines.get(3).contains("mock/mock-model"),
                lines.get(3));
        assertTrue(lines.get(4).startsWith("└ " + child), "indented under its parent: " + lines.get(4));
        assertFalse(r.out().contains("\u001b["), "no colour off a terminal");
        Cli.Result tty = cli().tty(true).run("list", "--search", TAG);
        assertTrue(tty.out().contains("\u001b["), "colour on a terminal");
        Cli.Result noColor = cli().tty(true).env("NO_COLOR", "1").run("list", "--search", TAG);
        assertFalse(noColor.out().contains("\u001b["), "never with NO_COLOR");
    }

    @Test
    void nothingMatchingIsAnEmptyListNotAnError() throws IOException {
        Cli.Result r = cli().run("list", "--search", TAG + "-nothing");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("ocs: no sessions"), r.err());
        JsonNode doc = Json.mapper().readTree(cli().run("list", "--search", TAG + "-nothing", "--json").out());
        assertEquals(0, doc.path("sessions").size());
    }

    @Test
    void badLimitIsAUsageError() {
        Cli.Result r = cli().run("list", "--limit", "0");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: --limit"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}

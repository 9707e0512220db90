package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.RawServer;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 1.0 line, replayed from answers recorded from real 1.0.0 and 1.0.185 servers
 * ({@code captures/v1.0/VERSION.answers.json}): 1.0.0 has no health route, reads {@code /session/status} as a
 * session id and has no {@code /permission}; 1.0.185 sends both to its web UI's proxy, which answers 500. Each
 * is recognised as opencode of its version, and each command works or says what this version lacks.
 */
class OldLinesTest {
    RawServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Replays a recording: each request by method and path, the recorded session standing for any. */
    private String replay(String version) throws IOException {
        JsonNode rec = Json.tree(Fixtures.read("v1.0/" + version + ".answers.json").getBytes());
        JsonNode created = rec.get("POST /session (body {})");
        String sid = Json.text(Json.tree(created.get("body").asText().getBytes()), "id");
        server = new RawServer(x -> {
            String key = x.method() + " " + x.path();
            JsonNode a = null;
            if (key.equals("GET /session")) {
                x.json(200, "[" + created.get("body").asText() + "]");
                return;
            }
            for (Map.Entry<String, JsonNode> e : rec.properties()) {
                if (e.getKey().equals(key) || e.getKey().startsWith(key + " (")) {
                    a = e.getValue();
                }
            }
            if (a == null) {
                a = rec.get("GET /nonexistent-route-xyz");
            }
            String body = a.get("body").asText();
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.head(a.get("status").asInt(), a.get("contentType").asText(), bytes.length);
            x.write(body);
        });
        return sid;
    }

    private Cli cli() {
        return Cli.withUrl(server.url()).env("OPENCODE_SERVER_PASSWORD", "pw-unused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.0.185"})
    void serveCheckKnowsTheVersionAndSaysAuthIsNotChecked(String version) throws IOException {
        replay(version);
        Cli.Result r = cli().run("serve-check");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("up " + server.url() + " (opencode " + version + ")\n", r.out());
        assertTrue(r.err().contains("opencode " + version + " does not check Basic Auth"), r.toString());
        assertFalse(r.all().contains("pw-unused"), r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.0.185"})
    void inspectAndListWorkWithoutTheNewerRoutes(String version) throws IOException {
        String sid = replay(version);
        Cli.Result i = cli().run("inspect", "--json", sid);
        assertTrue(i.exitCode() == ExitCode.OK || i.exitCode() == ExitCode.FINDING, i.toString());
        JsonNode doc = Json.tree(i.out().getBytes());
        assertNotNull(doc, i.toString());
        assertEquals(sid, doc.path("session").path("id").asText(), i.out());
        Cli.Result l = cli().run("list");
        assertEquals(ExitCode.OK, l.exitCode(), l.toString());
        assertTrue(l.out().contains(sid), l.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.0.185"})
    void approveWithoutARequestIdSaysThisVersionKeepsNoList(String version) throws IOException {
        String sid = replay(version);
        Cli.Result r = cli().run("approve", sid);
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertEquals("ocs: opencode " + version + " at " + server.url() + " keeps no list of pending permissions "
                + "(GET /permission); name the request (ocs --url " + server.url() + " approve " + sid
                + " per_…, as send --wait prints it) or answer as they come (send --wait --on-permission once)",
                r.err().strip());
    }

    @org.junit.jupiter.api.Test
    void webUiProxyErrorsAreMissingRoutesButOpencodesOwnErrorsAreNot() throws IOException {
        JsonNode rec = Json.tree(Fixtures.read("v1.0/1.0.185.answers.json").getBytes());
        for (String route : new String[] {"GET /global/health", "GET /permission", "GET /question"}) {
            JsonNode body = Json.tree(rec.get(route).get("body").asText().getBytes());
            dev.ocs.http.ApiException e = new dev.ocs.http.ApiException(ExitCode.SERVER_ERROR, "x", 500,
                    Json.text(body, "name"), Json.text(Json.obj(body, "data"), "message"));
            assertTrue(V1Api.foreign(e), route);
        }
        dev.ocs.http.ApiException locked = new dev.ocs.http.ApiException(ExitCode.SERVER_ERROR, "x", 500,
                "UnknownError", "database is locked");
        assertFalse(V1Api.foreign(locked), "a real server error stays the server's");
        dev.ocs.http.ApiException notFound = new dev.ocs.http.ApiException(ExitCode.NOT_FOUND, "x", 404,
                "NotFoundError", "Session not found");
        assertFalse(V1Api.foreign(notFound), "opencode's own 404 is a missing session, not a missing route");
    }

    @org.junit.jupiter.api.Test
    void apiGenerationIsChosenByFlagOrEnvironmentAndAnUnknownOneIsUsage() throws IOException {
        String sid = replay("1.0.185");
        Cli.Result bad = cli().run("--api", "v3", "inspect", sid);
        assertEquals(ExitCode.USAGE, bad.exitCode(), bad.toString());
        assertEquals("ocs: --api 'v3' is not an API generation; use auto, v1 or v2 (see 'ocs inspect --help')",
                bad.err().lines().findFirst().orElse(""));
        Cli.Result badEnv = cli().env("OCS_API", "v9").run("list");
        assertEquals(ExitCode.USAGE, badEnv.exitCode(), badEnv.toString());
        Cli.Result v1 = cli().env("OCS_API", "v1").run("list");
        assertEquals(ExitCode.OK, v1.exitCode(), v1.toString());
        Cli.Result flag = cli().env("OCS_API", "v9").run("--api", "auto", "list");
        assertEquals(ExitCode.OK, flag.exitCode(), "the flag wins over the environment: " + flag);
    }
}

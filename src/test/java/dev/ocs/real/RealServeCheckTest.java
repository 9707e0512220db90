package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static dev.ocs.real.RealServer.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve-check against a real opencode server: up, wrong password, nothing listening, a proxy, and --start. */
class RealServeCheckTest {

    @Test
    void upWithItsVersion() throws IOException {
        OpencodeServer s = RealServer.server();
        Cli.Result r = cli().run("serve-check");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertEquals("up " + s.url() + " (opencode " + OpencodeServer.pinnedVersion() + ")\n", r.out());
        Cli.Result j = cli().run("serve-check", "--json");
        JsonNode doc = Json.mapper().readTree(j.out());
        assertTrue(doc.path("up").asBoolean());
        assertTrue(doc.path("authOk").asBoolean());
        assertEquals(OpencodeServer.pinnedVersion(), doc.path("version").asText());
        assertFalse(r.all().contains(s.password()) || j.all().contains(s.password()));
    }

    @Test
    void aWrongPasswordIsExit4AndNeverShown() {
        Cli.Result r = cli().env("OPENCODE_SERVER_PASSWORD", "not-the-password-42").run("serve-check");
        assertEquals(ExitCode.AUTH, r.exitCode(), r.toString());
        assertTrue(r.err().contains("opencode") && r.err().contains("OPENCODE_SERVER_PASSWORD"), r.err());
        assertFalse(r.all().contains("not-the-password-42"), r.toString());
        Cli.Result j = cli().env("OPENCODE_SERVER_PASSWORD", "not-the-password-42").run("serve-check", "--json", "-v");
        assertEquals(ExitCode.AUTH, j.exitCode());
        assertFalse(j.all().contains("not-the-password-42"), j.toString());
    }

    @Test
    void nothingListeningIsExit3() {
        Cli.Result r = cli().env("OCS_URL", "http://127.0.0.1:" + OpencodeServer.freePort()).run("serve-check");
        assertEquals(ExitCode.UNREACHABLE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("serve-check --start"), r.err());
    }

    @Test
    void aBogusProxyDoesNotDivertButIsWarnedAbout() {
        Cli.Result r = cli().env("HTTP_PROXY", "http://127.0.0.1:9").env("http_proxy", "http://127.0.0.1:9")
                .env("ALL_PROXY", "socks5://127.0.0.1:9").run("serve-check");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("up "), r.out());
        assertTrue(r.err().contains("HTTP_PROXY") && r.err().contains("NO_PROXY"), r.err());
    }

    @Test
    void startBringsUpARealServerOnceAndASecondCallFindsItUp(@TempDir Path tmp) throws Exception {
        Path bin = OpencodeServer.ensureInstalled(new java.io.PrintWriter(System.err, true));
        int port = OpencodeServer.freePort();
        Path log = tmp.resolve("serve.log");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Cli cli = Cli.withUrl("http://127.0.0.1:" + port)
                .env("OPENCODE_SERVER_PASSWORD", "pw-" + Long.toHexString(System.nanoTime()))
                .env("HOME", Files.createDirectories(tmp.resolve("home")).toString())
                .env("XDG_CONFIG_HOME", Files.createDirectories(tmp.resolve("xdg/config")).toString())
                .env("XDG_DATA_HOME", Files.createDirectories(tmp.resolve("xdg/data")).toString())
                .env("XDG_CACHE_HOME", Files.createDirectories(tmp.resolve("xdg/cache")).toString())
                .env("XDG_STATE_HOME", Files.createDirectories(tmp.resolve("xdg/state")).toString())
                .env("HTTPS_PROXY", "http://127.0.0.1:9");
        Long pid = null;
        try {
            Cli.Result r = cli.run("serve-check", "--start", "--wait", "90", "--log", log.toString(),
                    "--opencode-bin", bin.toString(), "--dir", project.toString(), "--json");
            assertEquals(ExitCode.OK, r.exitCode(), r.toString() + "\nlog:\n" + (Files.exists(log) ? Files.readString(log) : ""));
            JsonNode doc = Json.mapper().readTree(r.out());
            pid = doc.path("pid").asLong();
            assertTrue(doc.path("started").asBoolean() && doc.path("up").asBoolean() && doc.path("authOk").asBoolean(), r.out());
            assertEquals(log.toString(), doc.path("log").asText());
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            assertTrue(h.isPresent() && h.get().isAlive(), "the PID printed is a live process");
            assertTrue(h.get().info().command().orElse("").endsWith("/opencode"), "the native binary itself: " + h.get().info());
            String env = Files.readString(Path.of("/proc", Long.toString(pid), "environ"));
            assertFalse(env.contains("HTTPS_PROXY"), "proxy variables are removed from the server's environment");

            Cli.Result again = cli.run("serve-check", "--start", "--opencode-bin", bin.toString());
            assertEquals(ExitCode.OK, again.exitCode(), again.toString());
            assertTrue(again.out().startsWith("up http://127.0.0.1:" + port + " (opencode "), again.out());
            assertFalse(again.out().contains("started"), "no second server: " + again.out());
        } finally {
            RealServer.stopStarted(pid);
        }
    }
}

package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.bench.StandInModel;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named servers against two real opencode servers on two ports with different passwords: --server, OCS_SERVER,
 * the default profile, a password_command and a password_file, and list --all-servers with one of them stopped.
 * Then serve-check --start with no password configured: the server it starts refuses the well-known default, and
 * a plain ocs list afterwards finds it.
 */
class RealProfilesTest {
    private static Cli cli(Path configHome) {
        Cli c = new Cli();
        c.env("XDG_CONFIG_HOME", configHome.toString()).env("PATH", System.getenv("PATH"));
        return c;
    }

    @Test
    void twoServersByNameByDefaultAndAllAtOnce(@TempDir Path tmp) throws Exception {
        OpencodeServer a = RealServer.server();
        Path configHome = Files.createDirectories(tmp.resolve("config/ocs")).getParent();
        Files.writeString(tmp.resolve("a.pass"), a.password() + "\n");
        try (StandInModel model = StandInModel.start()) {
            OpencodeServer b = OpencodeServer.start(model, new PrintWriter(System.err, true, StandardCharsets.UTF_8));
            try {
            Files.writeString(tmp.resolve("b.pass"), b.password() + "\n");
            Files.writeString(configHome.resolve("ocs/config.toml"), "# two real servers\ndefault = \"a\"\n\n"
                    + "[servers.a]\nurl = \"" + a.url() + "\"\npassword_command = [\"cat\", \"" + tmp.resolve("a.pass") + "\"]\n\n"
                    + "[servers.b]\nurl = \"" + b.url() + "\"\npassword_file = \"" + tmp.resolve("b.pass") + "\"\n");

            Cli.Result sent = cli(configHome).run("--server", "b", "send", "--wait", "hello server b");
            assertEquals(ExitCode.OK, sent.exitCode(), sent.toString());
            String onB = RealSendTest.sessionOf(sent);
            Cli.Result viaEnv = cli(configHome).env("OCS_SERVER", "b").env("OCS_URL", a.url())
                    .env("OPENCODE_SERVER_PASSWORD", a.password()).run("list");
            assertEquals(ExitCode.OK, viaEnv.exitCode(), viaEnv.toString());
            assertTrue(viaEnv.out().contains(onB), "OCS_SERVER=b lists b's sessions, not OCS_URL's: " + viaEnv);

            Cli.Result sentToA = cli(configHome).run("send", "hello the default server");
            assertEquals(ExitCode.OK, sentToA.exitCode(), sentToA.toString());
            String onA = sentToA.out().strip();
            Cli.Result byDefault = cli(configHome).run("list", "--limit", "100");
            assertEquals(ExitCode.OK, byDefault.exitCode(), byDefault.toString());
            assertFalse(byDefault.out().contains(onB), "the default server is a: " + byDefault);
            assertTrue(byDefault.out().contains(onA), "the default server is a: " + byDefault);
            Cli.Result inspectOnA = cli(configHome).run("inspect", onB);
            assertEquals(ExitCode.NOT_FOUND, inspectOnA.exitCode(), inspectOnA.toString());

            Cli.Result all = cli(configHome).run("list", "--all-servers", "--limit", "100");
            assertEquals(ExitCode.OK, all.exitCode(), all.toString());
            assertTrue(all.out().lines().anyMatch(l -> l.startsWith("b       " + onB) || l.matches("b +" + onB + " .*")),
                    all.out());
            assertTrue(all.out().lines().anyMatch(l -> l.matches("a +" + onA + " .*")), all.out());

            b.close(); // server b goes down
            Cli.Result oneDown = cli(configHome).run("--json", "list", "--all-servers");
            assertEquals(ExitCode.OK, oneDown.exitCode(), oneDown.toString());
            JsonNode doc = Json.mapper().readTree(oneDown.out());
            assertEquals("up", doc.path("servers").get(0).path("status").asText(), doc.toString());
            assertEquals("down", doc.path("servers").get(1).path("status").asText(), doc.toString());
            for (String secret : new String[] {a.password(), b.password()}) {
                assertFalse(oneDown.all().contains(secret) || all.all().contains(secret), "no password in output");
            }
            Cli.Result doctor = cli(configHome).run("doctor", "--all-servers");
            assertEquals(ExitCode.FINDING, doctor.exitCode(), doctor.toString());
            assertTrue(doctor.out().lines().anyMatch(l -> l.matches("a +ok +credentials .*")), doctor.out());
            assertTrue(doctor.out().lines().anyMatch(l -> l.matches("b +fail +server .*")), doctor.out());
            } finally {
                b.close(); // again where the test stopped it already: stopping a stopped server does nothing
            }
        }
    }

    @Test
    void startWithoutAPasswordMakesARandomOneAndTheNextListUsesIt(@TempDir Path tmp) throws Exception {
        Path bin = OpencodeServer.ensureInstalled(new PrintWriter(System.err, true));
        int port = OpencodeServer.freePort();
        Path project = Files.createDirectories(tmp.resolve("project"));
        Path state = Files.createDirectories(tmp.resolve("xdg/state"));
        Cli cli = new Cli().env("PATH", System.getenv("PATH"))
                .env("HOME", Files.createDirectories(tmp.resolve("home")).toString())
                .env("XDG_CONFIG_HOME", Files.createDirectories(tmp.resolve("xdg/config")).toString())
                .env("XDG_DATA_HOME", Files.createDirectories(tmp.resolve("xdg/data")).toString())
                .env("XDG_CACHE_HOME", Files.createDirectories(tmp.resolve("xdg/cache")).toString())
                .env("XDG_STATE_HOME", state.toString());
        Long pid = null;
        try {
            Cli.Result r = cli.run("--url", "http://127.0.0.1:" + port, "--dir", project.toString(), "--json",
                    "serve-check", "--start", "--wait", "90", "--opencode-bin", bin.toString(), "--log",
                    tmp.resolve("serve.log").toString());
            assertEquals(ExitCode.OK, r.exitCode(), r.toString());
            pid = Json.mapper().readTree(r.out()).path("pid").asLong();
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("ocs: no password was configured: the server gets a random one, kept in "
                    + state.resolve("ocs/local.password") + " (mode 600), and is server 'local' in "), r.err());
            Path file = state.resolve("ocs/local.password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = Files.readString(file).strip();
            assertTrue(password.length() >= 24 && !password.equals("changeme"), "a random password");
            assertFalse(r.all().contains(password), "the password is never printed");
            String config = Files.readString(tmp.resolve("xdg/config/ocs/config.toml"));
            assertTrue(config.startsWith("default = \"local\"\n"), config);
            assertFalse(config.contains(password), "the config names the file, never the password: " + config);

            Cli.Result changeme = cli.run("--url", "http://127.0.0.1:" + port, "list");
            assertEquals(ExitCode.AUTH, changeme.exitCode(), "the well-known default is refused: " + changeme);
            Cli.Result plain = cli.run("list");
            assertEquals(ExitCode.OK, plain.exitCode(), "the new default profile: " + plain);
        } finally {
            RealServer.stopStarted(pid);
        }
    }
}

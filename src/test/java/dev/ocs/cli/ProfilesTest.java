package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.ocs.ExitCode;
import dev.ocs.http.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which server a call talks to and with which password (the README's precedence table), the config file's
 * mistakes, and the password sources: two WireMock servers stand for two servers, each seeing which credentials
 * reach it.
 */
class ProfilesTest {
    @RegisterExtension
    static WireMockExtension one = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension two = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;
    Path configHome;

    @BeforeEach
    void servers() throws Exception {
        for (WireMockExtension wm : List.of(one, two)) {
            wm.stubFor(get(urlPathEqualTo("/session")).willReturn(okJson("[]")));
            wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
            wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
            wm.stubFor(get(urlPathEqualTo("/question")).willReturn(okJson("[]")));
        }
        configHome = dir.resolve("config");
        Files.createDirectories(configHome.resolve("ocs"));
        Files.writeString(dir.resolve("two.pass"), "two-secret\nsecond line ignored\n");
    }

    void config(String text) throws Exception {
        Files.writeString(configHome.resolve("ocs/config.toml"), text);
    }

    String standard() {
        return "# my servers\ndefault = \"one\"\n\n[servers.one]\nurl = \"" + one.baseUrl() + "\"\n"
                + "password_command = [\"printf\", \"%s\\\\n\", \"one-secret\"]\n\n"
                + "[servers.two]\nurl = \"" + two.baseUrl() + "\"\nusername = \"ci\"\n"
                + "password_file = \"" + dir.resolve("two.pass") + "\"\n";
    }

    Cli cli() {
        Cli c = new Cli();
        c.env("XDG_CONFIG_HOME", configHome.toString()).env("HOME", dir.toString()).env("PATH", System.getenv("PATH"));
        return c;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    void reached(WireMockExtension wm, String user, String password) {
        wm.verify(getRequestedFor(urlPathEqualTo("/session")).withHeader("Authorization", equalTo(basic(user, password))));
    }

    @Test
    void theDefaultProfileWithNothingElseGiven() throws Exception {
        config(standard());
        Cli.Result r = cli().run("list");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        reached(one, "opencode", "one-secret");
        two.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void serverAndOcsServerChooseAProfileAndTheEnvironmentIsIgnored() throws Exception {
        config(standard());
        // The environment points elsewhere with another password: a profile never sends its password there,
        // nor the environment's password to the profile's server.
        Cli.Result flag = cli().env("OCS_URL", one.baseUrl()).env("OPENCODE_SERVER_PASSWORD", "env-secret")
                .env("OPENCODE_SERVER_USERNAME", "envuser").run("--server", "two", "list");
        assertEquals(ExitCode.OK, flag.exitCode(), flag.toString());
        reached(two, "ci", "two-secret");
        one.verify(0, anyRequestedFor(anyUrl()));

        Cli.Result env = cli().env("OCS_SERVER", "two").run("-v", "list");
        assertEquals(ExitCode.OK, env.exitCode(), env.toString());
        assertEquals(2, two.findAll(getRequestedFor(urlPathEqualTo("/session"))).size());
        assertFalse(env.all().contains("two-secret"), "the secret is never shown: " + env);
        assertTrue(env.err().contains("ocs: server two from " + configHome.resolve("ocs/config.toml")), env.err());
    }

    @Test
    void flagsOverrideSingleFieldsOfTheProfile() throws Exception {
        config(standard());
        Files.writeString(dir.resolve("flag.pass"), "flag-secret\n");
        Cli.Result r = cli().run("--server", "two", "-u", "someone", "--password-file", dir.resolve("flag.pass").toString(),
                "list");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        reached(two, "someone", "flag-secret");
        Cli.Result flagOverEnv = cli().env("OCS_SERVER", "two").run("--url", one.baseUrl(), "list");
        assertEquals(ExitCode.OK, flagOverEnv.exitCode(), flagOverEnv.toString());
        reached(one, "opencode", "changeme");
        Cli.Result both = cli().run("--server", "two", "--url", one.baseUrl(), "list");
        assertEquals(ExitCode.USAGE, both.exitCode(), both.toString());
        assertTrue(both.err().contains("--url and --server"), both.err());
    }

    @Test
    void aUrlWithoutServerUsesNoProfileAndReadsNoConfig() throws Exception {
        config("this is not TOML at all [[[");
        Cli.Result r = cli().env("OCS_URL", two.baseUrl()).env("OPENCODE_SERVER_PASSWORD", "env-secret").run("list");
        assertEquals(ExitCode.OK, r.exitCode(), "the config file is not even read: " + r);
        reached(two, "opencode", "env-secret");
        Cli.Result flag = cli().run("--url", one.baseUrl(), "list");
        assertEquals(ExitCode.OK, flag.exitCode(), flag.toString());
        reached(one, "opencode", "changeme");
    }

    @Test
    void noConfigFileMeansNoServers() {
        Cli.Result r = cli().env("OPENCODE_SERVER_PASSWORD", "x").run("--json", "config", "list");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        assertTrue(r.out().contains("\"servers\": [ ]"), r.out());
    }

    @Test
    void aSyntaxErrorNamesTheFileTheLineAndWhatWasWrong() throws Exception {
        config("default = \"one\"\n\n[servers.one\nurl = \"http://x:1\"\n");
        Cli.Result r = cli().run("list");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: config " + configHome.resolve("ocs/config.toml") + " line 3: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void mistakesInTheFileAreExit2AndUnknownKeysAWarning() throws Exception {
        for (String[] c : List.of(
                new String[] {"default = \"nope\"\n[servers.a]\nurl = \"http://x:1\"\n", "default = \"nope\" names no server; known: a"},
                new String[] {"[servers.a]\nuser = \"x\"\n", "[servers.a] has no url"},
                new String[] {"[servers.a]\nurl = 5\n", "url must be a string"},
                new String[] {"[servers.a]\nurl = \"http://x:1\"\npassword_file = \"f\"\npassword_env = \"E\"\n",
                        "give one of password_command, password_file and password_env"},
                new String[] {"[servers.a]\nurl = \"http://x:1\"\npassword_command = \"pass show x\"\n",
                        "password_command must be a list of strings"},
                new String[] {"default = 3\n", "'default' must be a server's name"})) {
            config(c[0]);
            Cli.Result r = cli().run("list");
            assertEquals(ExitCode.USAGE, r.exitCode(), c[0] + ": " + r);
            assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
        }
        config("colour = true\n[servers.a]\nurl = \"" + one.baseUrl() + "\"\npasword_file = \"typo\"\ndefault_x = 1\n");
        Cli.Result warned = cli().run("--server", "a", "list");
        assertEquals(ExitCode.OK, warned.exitCode(), warned.toString());
        assertTrue(warned.err().contains("warning: config") && warned.err().contains("unknown key 'colour'")
                && warned.err().contains("[servers.a]: unknown key 'pasword_file'"), warned.err());
    }

    @Test
    void anUnknownServerListsTheKnownOnes() throws Exception {
        config(standard());
        Cli.Result r = cli().run("--server", "three", "list");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: no server 'three' in ") && r.err().contains("known: one, two"), r.err());
        Cli.Result env = cli().env("OCS_SERVER", "three").run("list");
        assertEquals(ExitCode.USAGE, env.exitCode(), env.toString());
    }

    @Test
    void eachPasswordSourceThatCannotBeReadIsExit2NamingServerAndSource() throws Exception {
        Path script = dir.resolve("hang.sh");
        Files.writeString(script, "#!/bin/sh\nsleep 30\n");
        script.toFile().setExecutable(true);
        for (String[] c : List.of(
                new String[] {"password_file = \"" + dir.resolve("missing.pass") + "\"", "server a: password_file "
                        + dir.resolve("missing.pass") + ": no such file"},
                new String[] {"password_env = \"OCS_TEST_UNSET_VAR\"", "server a: password_env OCS_TEST_UNSET_VAR is not set"},
                new String[] {"password_command = [\"false\"]", "server a: password_command false: failed (exit 1)"},
                new String[] {"password_command = [\"true\"]", "server a: password_command true: printed nothing"},
                new String[] {"password_command = [\"no-such-program-ocs\"]", "server a: password_command "
                        + "no-such-program-ocs: cannot run it"},
                new String[] {"password_command = [\"" + script + "\"]", "no answer within 5 s"})) {
            config("[servers.a]\nurl = \"" + one.baseUrl() + "\"\n" + c[0] + "\n");
            long start = System.nanoTime();
            Cli.Result r = cli().run("--server", "a", "list");
            assertEquals(ExitCode.USAGE, r.exitCode(), c[0] + ": " + r);
            assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
            assertTrue((System.nanoTime() - start) / 1e9 < 12, "the 5 s limit holds: " + c[0]);
        }
        one.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void passwordEnvAndARelativePasswordFile() throws Exception {
        Files.writeString(configHome.resolve("ocs/beside.pass"), "beside-secret\r\n");
        config("[servers.a]\nurl = \"" + one.baseUrl() + "\"\npassword_file = \"beside.pass\"\n"
                + "[servers.b]\nurl = \"" + two.baseUrl() + "\"\npassword_env = \"B_PASSWORD\"\n");
        assertEquals(ExitCode.OK, cli().run("--server", "a", "list").exitCode());
        reached(one, "opencode", "beside-secret");
        assertEquals(ExitCode.OK, cli().env("B_PASSWORD", "b-secret").run("--server", "b", "list").exitCode());
        reached(two, "opencode", "b-secret");
    }

    @Test
    void listAllServersHasAServerColumnAndADownServerIsOneRow() throws Exception {
        one.stubFor(get(urlPathEqualTo("/session")).willReturn(okJson("[{\"id\":\"ses_onlyOnOne1\",\"title\":\"on one\","
                + "\"time\":{\"created\":1,\"updated\":2}}]")));
        one.stubFor(get(urlPathEqualTo("/session/ses_onlyOnOne1/message")).willReturn(okJson("[]")));
        config(standard() + "\n[servers.down]\nurl = \"http://127.0.0.1:9\"\n");
        Cli.Result r = cli().env("OCS_URL", "http://127.0.0.1:8").run("list", "--all-servers");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("SERVER  ID"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("one     ses_onlyOnOne1")), r + "");
        assertTrue(lines.stream().anyMatch(l -> l.matches("down +- +down +.*http://127\\.0\\.0\\.1:9")), r.out());
        assertTrue(r.err().contains("ocs: server down down: cannot reach opencode"), r.err());
        assertTrue(r.err().contains("ocs: server two: no sessions"), r.err());
        reached(one, "opencode", "one-secret");
        reached(two, "ci", "two-secret");

        JsonNode doc = Json.mapper().readTree(cli().run("--json", "list", "--all-servers").out());
        assertEquals(List.of("one", "two", "down"), doc.path("servers").findValuesAsText("name"));
        assertEquals("down", doc.path("servers").get(2).path("status").asText());
        assertTrue(doc.path("servers").get(2).path("error").asText().contains("cannot reach"), doc.toString());
        assertEquals("one", doc.path("sessions").get(0).path("server").asText());

        config("[servers.down]\nurl = \"http://127.0.0.1:9\"\n[servers.gone]\nurl = \"http://127.0.0.1:7\"\n");
        assertEquals(ExitCode.UNREACHABLE, cli().run("list", "--all-servers").exitCode(), "all down");
    }

    @Test
    void doctorAllServersFailsWhenOneServerFails() throws Exception {
        config(standard() + "\n[servers.down]\nurl = \"http://127.0.0.1:9\"\n");
        Cli.Result r = cli().run("doctor", "--all-servers");
        assertEquals(ExitCode.FINDING, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("down +fail +server +cannot reach .*")), r.out());
        assertTrue(r.out().contains("checks failed on"), r.out());
    }

    @Test
    void configEditsKeepEveryOtherLineAndANewFileIsMode600() throws Exception {
        Path file = configHome.resolve("ocs/config.toml");
        Files.delete(configHome.resolve("ocs"));
        Cli.Result add = cli().run("config", "add", "laptop", "http://127.0.0.1:4999", "--password-command",
                "pass show 'opencode/my laptop'");
        assertEquals(ExitCode.OK, add.exitCode(), add.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("default = \"laptop\"\n\n[servers.laptop]\nurl = \"http://127.0.0.1:4999\"\n"
                + "password_command = [\"pass\", \"show\", \"opencode/my laptop\"]\n", Files.readString(file));

        String mine = Files.readString(file).replace("[servers.laptop]", "# the laptop, by hand\n[servers.laptop] # inline")
                + "\n# a comment of my own\n[servers.keep]\nurl = \"http://k:1\"  # kept as it is\n";
        Files.writeString(file, mine);
        assertEquals(ExitCode.OK, cli().run("-u", "ci", "--password-file", "~/bb.pass", "config", "add", "buildbox",
                "http://10.0.0.5:4999").exitCode());
        String added = Files.readString(file);
        assertTrue(added.startsWith(mine), "appended, nothing else changed:\n" + added);
        assertTrue(added.endsWith("\n[servers.buildbox]\nurl = \"http://10.0.0.5:4999\"\nusername = \"ci\"\n"
                + "password_file = \"~/bb.pass\"\n"), added);

        assertEquals(ExitCode.OK, cli().run("config", "default", "keep").exitCode());
        assertEquals(added.replace("default = \"laptop\"", "default = \"keep\""), Files.readString(file));

        assertEquals(ExitCode.OK, cli().run("config", "remove", "buildbox").exitCode());
        assertEquals(mine.replace("default = \"laptop\"", "default = \"keep\""), Files.readString(file));

        Cli.Result again = cli().run("config", "add", "keep", "http://x:1");
        assertEquals(ExitCode.USAGE, again.exitCode(), again.toString());
        Cli.Result secret = cli().run("-p", "hunter2", "config", "add", "x", "http://x:1");
        assertEquals(ExitCode.USAGE, secret.exitCode(), secret.toString());
        assertFalse(Files.readString(file).contains("hunter2"));
        Cli.Result connect = cli().run("--url", "http://x:1", "config", "list");
        assertEquals(ExitCode.USAGE, connect.exitCode(), connect.toString());

        for (String[] bad : List.of(new String[] {"config"}, new String[] {"config", "lst"},
                new String[] {"config", "remove"})) {
            Cli.Result r = cli().run(bad);
            assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
            assertEquals(1, r.err().lines().count(), r.toString());
        }
        assertTrue(cli().run("config", "lst").err().startsWith("ocs: no command 'lst' in ocs config; did you mean list?"));
        Cli.Result list = cli().run("config", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.matches("keep +http://k:1 +opencode +\\(the default\\) +default")),
                list.out());
        assertTrue(list.out().contains("password_command pass show 'opencode/my laptop'"), list.out());
        Cli.Result show = cli().run("--json", "config", "show", "laptop");
        assertEquals(List.of("pass", "show", "opencode/my laptop"),
                Json.mapper().convertValue(Json.mapper().readTree(show.out()).path("passwordCommand"), List.class));
    }
}

package dev.ocs.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.bench.OpencodeServer;
import dev.ocs.cli.Cli;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ocs.real.RealServer.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doctor against the real server: all well, a wrong password, nothing listening, a proxy, and --probe. */
class RealDoctorTest {

    record Doc(Cli.Result result, JsonNode json) {
        Map<String, JsonNode> checks() {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            json.path("checks").forEach(c -> m.put(c.path("name").asText(), c));
            return m;
        }

        String status(String name) {
            JsonNode c = checks().get(name);
            return c == null ? null : c.path("status").asText();
        }
    }

    static Doc doctor(Cli cli, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("doctor", "--json"));
        all.addAll(List.of(args));
        Cli.Result r = cli.run(all.toArray(String[]::new));
        JsonNode doc = Json.mapper().readTree(r.out());
        assertEquals(r.exitCode() == ExitCode.OK, doc.path("ok").asBoolean(), r.toString());
        assertFalse(r.all().contains(RealServer.server().password()), "never the password: " + r);
        for (JsonNode c : doc.path("checks")) {
            assertTrue(List.of("ok", "warn", "fail").contains(c.path("status").asText()), c.toString());
            assertTrue(c.has("detail") && c.has("advice"), c.toString());
            if (!c.path("status").asText().equals("ok")) {
                assertFalse(c.path("advice").asText().isBlank(), "a warning or failure says what to do: " + c);
            }
        }
        return new Doc(r, doc);
    }

    @Test
    void aGoodSetupIsAllOk() throws IOException {
        Doc d = doctor(cli());
        assertEquals(ExitCode.OK, d.result().exitCode(), d.result().toString());
        assertEquals(List.of("server", "credentials", "version", "proxy", "providers", "default-model"),
                new ArrayList<>(d.checks().keySet()));
        d.checks().values().forEach(c -> assertEquals("ok", c.path("status").asText(), c.toString()));
        assertTrue(d.checks().get("version").path("detail").asText().contains(OpencodeServer.pinnedVersion()));
        assertTrue(d.checks().get("providers").path("detail").asText().contains("mock"), d.json().toString());
        assertEquals("mock/mock-model", d.checks().get("default-model").path("detail").asText());
        assertFalse(d.result().out().contains("stand-in"), "no provider's apiKey: " + d.result().out());

        Cli.Result human = cli().run("doctor");
        assertEquals(ExitCode.OK, human.exitCode(), human.toString());
        assertTrue(human.out().startsWith("ok    server"), human.out());
        assertTrue(human.out().strip().endsWith("all checks passed"), human.out());
        assertFalse(human.out().contains("\u001b["), human.out());
    }

    @Test
    void aWrongPasswordIsAFailedCheckNotExit4() throws IOException {
        Doc d = doctor(cli().env("OPENCODE_SERVER_PASSWORD", "wrong-password-doctor-17"));
        assertEquals(ExitCode.FINDING, d.result().exitCode(), d.result().toString());
        assertEquals("ok", d.status("server"));
        assertEquals("fail", d.status("credentials"));
        assertEquals("ok", d.status("proxy"), "checks that need no server are still reported");
        assertFalse(d.checks().containsKey("providers"), "nothing asked with rejected credentials");
        assertFalse(d.result().all().contains("wrong-password-doctor-17"), d.result().toString());
        assertTrue(d.checks().get("credentials").path("advice").asText().contains("OPENCODE_SERVER_PASSWORD"));
    }

    @Test
    void nothingListeningIsAFailedCheckNotExit3() throws IOException {
        Doc d = doctor(cli().env("OCS_URL", "http://127.0.0.1:" + OpencodeServer.freePort()));
        assertEquals(ExitCode.FINDING, d.result().exitCode(), d.result().toString());
        assertEquals("fail", d.status("server"));
        assertTrue(d.checks().get("server").path("advice").asText().contains("serve-check --start"), d.json().toString());
        assertEquals("ok", d.status("proxy"));
        assertEquals(2, d.checks().size(), d.json().toString());
        assertEquals("", d.result().err(), "reported as a check, not as an error");
    }

    @Test
    void aProxyVariableIsAWarningThatNamesTheLocalModelServers() throws IOException {
        Doc d = doctor(cli().env("HTTP_PROXY", "http://127.0.0.1:9").env("https_proxy", "http://127.0.0.1:9"));
        assertEquals(ExitCode.OK, d.result().exitCode(), "a warning is not a failure: " + d.result());
        assertEquals("warn", d.status("proxy"));
        JsonNode proxy = d.checks().get("proxy");
        assertTrue(proxy.path("detail").asText().contains("HTTP_PROXY") && proxy.path("detail").asText().contains("provider mock"),
                proxy.toString());
        assertTrue(proxy.path("advice").asText().contains("NO_PROXY="), proxy.toString());
        assertEquals("ok", d.status("server"), "ocs itself never uses the proxy");

        Doc covered = doctor(cli().env("HTTP_PROXY", "http://127.0.0.1:9").env("NO_PROXY", "localhost,127.0.0.1"));
        assertEquals("ok", covered.status("proxy"), covered.json().toString());
    }

    @Test
    void probeSendsATinyPromptAndFollowsIt() throws IOException {
        Doc d = doctor(cli(), "--probe");
        assertEquals(ExitCode.OK, d.result().exitCode(), d.result().toString());
        JsonNode probe = d.checks().get("probe");
        assertEquals("ok", probe.path("status").asText(), probe.toString());
        assertTrue(probe.path("detail").asText().startsWith("mock/mock-model answered in "), probe.toString());

        Cli.Result named = cli().run("doctor", "--probe", "mock/mock-model");
        assertEquals(ExitCode.OK, named.exitCode(), named.toString());
        assertTrue(named.out().contains("ok    probe          mock/mock-model answered"), named.out());
    }

    @Test
    void probeOfAnUnreachableProviderFailsFastAndStopsTheRetries() throws IOException {
        long start = System.nanoTime();
        Doc d = doctor(cli(), "--probe", OpencodeServer.DEAD_MODEL);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(ExitCode.FINDING, d.result().exitCode(), d.result().toString());
        assertTrue(seconds < 40, "ended by the retry rule, not the 60 s limit: " + seconds + " s");
        JsonNode probe = d.checks().get("probe");
        assertEquals("fail", probe.path("status").asText());
        assertTrue(probe.path("detail").asText().contains("model-connect-failed"), probe.toString());
        Matcher m = Pattern.compile("ses_[A-Za-z0-9]+").matcher(probe.path("detail").asText());
        assertTrue(m.find(), probe.toString());
        RealServer.awaitStatus(m.group(), "idle"::equals, Duration.ofSeconds(15));
        assertTrue(probe.path("advice").asText().contains("inspect " + m.group()), probe.toString());
    }

    @Test
    void probeOfAnUnknownModelFails() throws IOException {
        Doc d = doctor(cli(), "--probe", "mock/no-such-model");
        assertEquals(ExitCode.FINDING, d.result().exitCode(), d.result().toString());
        assertTrue(d.checks().get("probe").path("detail").asText().contains("no-reply"), d.json().toString());
    }

    @Test
    void aMalformedProbeModelIsAUsageError() {
        Cli.Result r = cli().run("doctor", "--probe", "no-slash");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: --probe"), r.err());
    }
}

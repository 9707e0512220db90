package dev.ocs.hostile;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.ocs.ExitCode;
import dev.ocs.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The password never shows, however it is given and whatever happens; Ctrl-C is exit 130 and nothing else. */
class SecretsAndSignalsTest {
    static final String PASSWORD = "Sup3r-S3cret-pw!\"'";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String[][] COMMANDS = {
        {"serve-check"}, {"inspect", "ses_abc"}, {"inspect", "ses_abc", "--last", "2"}, {"abort", "ses_abc"},
        {"approve", "ses_abc"}, {"approve", "ses_abc", "per_abc", "--reject"}, {"send", "hello"},
        {"send", "--wait", "--timeout", "1s", "hello"},
    };

    void serverAnswers(int status) {
        wm.resetAll();
        if (status == 200) {
            wm.stubFor(get(urlPathEqualTo("/global/health")).willReturn(okJson("{\"healthy\":true,\"version\":\"1.18.33\"}")));
            wm.stubFor(get(urlPathEqualTo("/session/ses_abc")).willReturn(okJson("{\"id\":\"ses_abc\"}")));
            // one message: a new session's prompt is confirmed at once
            wm.stubFor(get(urlPathEqualTo("/session/ses_abc/message")).willReturn(okJson(
                    "[{\"info\":{\"id\":\"msg_1\",\"role\":\"user\"},\"parts\":[]}]")));
            wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
            wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
            wm.stubFor(get(urlPathEqualTo("/event")).willReturn(aResponse().withHeader("content-type", "text/event-stream").withBody("")));
            wm.stubFor(post("/session").willReturn(okJson("{\"id\":\"ses_abc\"}")));
            wm.stubFor(post(urlPathEqualTo("/session/ses_abc/prompt_async")).willReturn(aResponse().withStatus(204)));
            wm.stubFor(post(urlPathEqualTo("/session/ses_abc/abort")).willReturn(okJson("true")));
        } else {
            wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("content-type", "application/json")
                    .withBody("{\"name\":\"E\",\"data\":{\"message\":\"failed for this request\"}}")));
        }
    }

    static void assertNoSecret(Cli.Result r, String what) {
        String basic = Base64.getEncoder().encodeToString(("opencode:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertFalse(r.all().contains(PASSWORD), "password shown by " + what + ":\n" + r);
        assertFalse(r.all().contains(basic), "credentials shown by " + what + ":\n" + r);
        assertFalse(r.all().contains(PASSWORD.substring(0, 8)), "part of the password shown by " + what + ":\n" + r);
    }

    @Test
    void thePasswordNeverShowsWhateverTheCommandAndOutcome(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("pw");
        Files.writeString(file, PASSWORD + "\n");
        int runs = 0;
        for (int status : new int[] {200, 401, 404, 500}) {
            serverAnswers(status);
            for (String[] command : COMMANDS) {
                // each way of giving the password, each with one of the output modes
                String[][] ways = {{"env"}, {"file", "--json"}, {"flag", "-v"}};
                for (String[] way : ways) {
                    List<String> args = new ArrayList<>(List.of(way).subList(1, way.length));
                    Cli cli = Cli.withUrl(wm.baseUrl());
                    switch (way[0]) {
                        case "env" -> cli.env("OPENCODE_SERVER_PASSWORD", PASSWORD);
                        case "file" -> args.addAll(List.of("--password-file", file.toString()));
                        default -> args.addAll(List.of("-p", PASSWORD));
                    }
                    args.addAll(List.of(command));
                    Cli.Result r = cli.run(args.toArray(String[]::new));
                    assertNoSecret(r, String.join(" ", args) + " (HTTP " + status + ")");
                    if (status == 401) assertEquals(ExitCode.AUTH, r.exitCode(), r.toString());
                    assertFalse(Thread.interrupted(), "no interrupt left behind");
                    runs++;
                }
            }
        }
        Cli.Result down = Cli.withUrl("http://127.0.0.1:1").env("OPENCODE_SERVER_PASSWORD", PASSWORD).run("-v", "serve-check");
        assertNoSecret(down, "serve-check with nothing listening");
        assertEquals(4 * COMMANDS.length * 3, runs);
    }

    /** Starts the real main class in its own JVM, as a user would, and sends it SIGINT. */
    static Process start(String url, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.ocs.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OCS_URL", url);
        pb.environment().put("OPENCODE_SERVER_PASSWORD", PASSWORD);
        return pb.start();
    }

    static int interrupt(Process p, long afterMs) throws Exception {
        Thread.sleep(afterMs);
        assertTrue(p.isAlive(), "still waiting when interrupted");
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exits promptly after Ctrl-C");
        return p.exitValue();
    }

    @Test
    @Timeout(60)
    void ctrlCWhileWaitingForAnAnswerIsExit130AndLeavesTheSessionRunning() throws Exception {
        try (RawServer s = new RawServer((line, out) -> {
            if (line.startsWith("GET /event")) {
                RawServer.head(out, 200, "text/event-stream", -1);
                Thread.sleep(60_000);
            } else if (line.startsWith("POST /session ")) {
                byte[] b = "{\"id\":\"ses_abc\"}".getBytes(StandardCharsets.US_ASCII);
                RawServer.head(out, 200, "application/json", b.length);
                out.write(b);
            } else if (line.startsWith("POST")) {
                RawServer.head(out, 204, "application/json", 0);
            } else {
                byte[] b = "{\"ses_abc\":{\"type\":\"busy\"}}".getBytes(StandardCharsets.US_ASCII);
                RawServer.head(out, 200, "application/json", b.length);
                out.write(b);
            }
            out.flush();
        })) {
            Process p = start(s.url(), "send", "--wait", "hello");
            int code = interrupt(p, 2500);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(ExitCode.INTERRUPTED, code, err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
            assertTrue(err.contains("abort ses_abc"), "says how to stop the run: " + err);
            assertTrue(s.requests.stream().noneMatch(r -> r.contains("/abort")), "nothing aborted: " + s.requests);
            assertFalse(err.contains(PASSWORD));
        }
    }

    @Test
    @Timeout(60)
    void ctrlCWhileARequestHangsIsExit130() throws Exception {
        try (RawServer s = new RawServer((line, out) -> Thread.sleep(60_000))) {
            Process p = start(s.url(), "inspect", "ses_abc");
            int code = interrupt(p, 1500);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(ExitCode.INTERRUPTED, code, err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
        }
    }
}

package dev.ocs.cli;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The password never shows: every command, with and without --json and -v, on success and on each failure (401,
 * 404, 500, unreachable), with the password from the environment, --password-file or -p. Redirects are never
 * followed with credentials, and plain http to another host warns.
 */
class SecretsTest {
    static final String PASSWORD = "pw-S3cr3t-7f9e2d";
    static final String SID = "ses_df604f802ffeoZehXyKiLM7Gzy";
    static final String PID = "per_209fb13a4001DfSKdjiPIoUxor";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension elsewhere = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    static Path dir;
    static Path passwordFile;
    static int closedPort;

    @BeforeAll
    static void files() throws IOException {
        passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        closedPort = ClientBehaviourTest.closedPort();
    }

    enum Source { ENV, FILE, FLAG }

    enum Outcome { OK, UNAUTHORIZED, NOT_FOUND, SERVER_ERROR, UNREACHABLE }

    static final List<List<String>> COMMANDS = List.of(List.of("serve-check"), List.of("inspect", SID),
            List.of("send", "hi"), List.of("send", "--wait", "--timeout", "5s", "hi"), List.of("abort", SID),
            List.of("approve", SID));
    static final List<List<String>> FLAGS = List.of(List.of(), List.of("--json"), List.of("-v"), List.of("--json", "-v"));

    static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static void assertNoSecret(String what, Cli.Result r, String password) {
        assertFalse(r.all().contains(password), "password shown: " + what + "\n" + r);
        assertFalse(r.all().contains(basic("opencode", password)), "Basic credentials shown: " + what + "\n" + r);
        assertFalse(r.all().contains(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8))),
                "encoded password shown: " + what + "\n" + r);
    }

    static Cli cli(String url, Source source, String password, List<String> args) {
        Cli c = Cli.withUrl(url);
        switch (source) {
            case ENV -> c.env("OPENCODE_SERVER_PASSWORD", password);
            case FILE -> args.addAll(0, List.of("--password-file", passwordFile.toString()));
            default -> args.addAll(0, List.of("-p", password));
        }
        return c;
    }

    void stub(Outcome o) {
        wm.resetAll();
        switch (o) {
            case OK -> {
                wm.stubFor(get("/global/health").willReturn(okJson("{\"healthy\":true,\"version\":\"1.18.33\"}")));
                wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
                wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
                wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson(Fixtures.read("permission-list.json"))));
                wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message"))
                        .willReturn(okJson(Fixtures.read("permission-pending.messages.json"))));
                wm.stubFor(post("/session").willReturn(okJson("{\"id\":\"" + SID + "\"}")));
                wm.stubFor(post(urlPathMatching("/session/" + SID + "/(prompt_async|abort)"))
                        .willReturn(aResponse().withStatus(204)));
                wm.stubFor(post(urlPathEqualTo("/permission/" + PID + "/reply")).willReturn(okJson("true")));
                wm.stubFor(get("/event").willReturn(aResponse().withStatus(200)
                        .withHeader("content-type", "text/event-stream")
                        .withBody("data: {\"type\":\"permission.asked\",\"properties\":{\"id\":\"" + PID
                                + "\",\"sessionID\":\"" + SID + "\",\"permission\":\"bash\",\"patterns\":[\"ls\"]}}\n\n")));
            }
            case UNAUTHORIZED -> wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401)
                    .withHeader("WWW-Authenticate", "Basic realm=\"opencode\"").withBody("Unauthorized")));
            case NOT_FOUND -> wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)
                    .withHeader("content-type", "application/json")
                    .withBody("{\"name\":\"NotFoundError\",\"data\":{\"message\":\"not found\"}}")));
            case SERVER_ERROR -> wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)
                    .withHeader("content-type", "application/json")
                    .withBody("{\"name\":\"UnknownError\",\"data\":{\"message\":\"database is locked\"}}")));
            default -> { }
        }
    }

    @Test
    void noCommandShowsThePasswordOnAnyPath() {
        int runs = 0;
        for (Outcome o : Outcome.values()) {
            stub(o);
            String url = o == Outcome.UNREACHABLE ? "http://127.0.0.1:" + closedPort : wm.baseUrl();
            for (List<String> command : COMMANDS) {
                for (int f = 0; f < FLAGS.size(); f++) {
                    Source source = Source.values()[(f + runs) % Source.values().length];
                    List<String> args = new ArrayList<>(FLAGS.get(f));
                    args.addAll(command);
                    Cli c = cli(url, source, PASSWORD, args);
                    Cli.Result r = c.run(args.toArray(String[]::new));
                    String what = o + ", password from " + source + ": ocs " + String.join(" ", args);
                    assertNoSecret(what, r, PASSWORD);
                    assertTrue(args.contains("-v") || !r.err().contains("\tat "), "a stack trace only with -v: "
                            + what + "\n" + r);
                    if (o == Outcome.UNAUTHORIZED) {
                        assertEquals(ExitCode.AUTH, r.exitCode(), what + "\n" + r);
                        assertTrue(r.err().contains(source == Source.ENV ? "OPENCODE_SERVER_PASSWORD"
                                : source == Source.FILE ? "--password-file " + passwordFile : "--password"),
                                "names where the password came from: " + what + "\n" + r);
                    }
                    if (o == Outcome.UNREACHABLE) {
                        assertEquals(ExitCode.UNREACHABLE, r.exitCode(), what + "\n" + r);
                    }
                    if (args.contains("-v") && o != Outcome.UNREACHABLE) {
                        assertTrue(r.err().contains("Authorization: Basic ****"), what + "\n" + r);
                    }
                    runs++;
                }
            }
        }
        assertEquals(Outcome.values().length * COMMANDS.size() * FLAGS.size(), runs);
    }

    @Test
    void passwordsThatLookLikeOptionsOrHoldOddCharactersStayHidden() {
        stub(Outcome.UNAUTHORIZED);
        for (String pw : List.of("-x9S3cret", "--json", "-", "has space S3cret", "ünïcödé-S3cret", "colon:S3cret",
                "quote\"S3cret", "S3cret=equals", "@S3cretfile")) {
            for (Source source : Source.values()) {
                for (List<String> form : List.of(List.of("-p", pw), List.of("--password", pw),
                        List.of("--password=" + pw), List.of("-p" + pw), List.of("-vp", pw), List.of("-vp" + pw))) {
                    List<String> args = new ArrayList<>(List.of("-v", "inspect", SID));
                    Cli c;
                    if (source == Source.FLAG) {
                        args.addAll(0, form);
                        c = Cli.withUrl(wm.baseUrl());
                    } else if (source == Source.ENV) {
                        c = Cli.withUrl(wm.baseUrl()).env("OPENCODE_SERVER_PASSWORD", pw);
                    } else {
                        Path f = dir.resolve("pw-" + Integer.toHexString(pw.hashCode()));
                        try {
                            Files.writeString(f, pw + "\n");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        args.addAll(0, List.of("--password-file", f.toString()));
                        c = Cli.withUrl(wm.baseUrl());
                    }
                    Cli.Result r = c.run(args.toArray(String[]::new));
                    String what = source + " '" + pw + "': ocs " + String.join(" ", args);
                    if (pw.length() > 2) {
                        assertNoSecret(what, r, pw);
                    }
                    assertTrue(r.exitCode() == ExitCode.AUTH || r.exitCode() == ExitCode.USAGE, what + "\n" + r);
                    if (source != Source.FLAG) {
                        break;
                    }
                }
            }
        }
    }

    /** A server (or a proxy in front of it) that echoes the request's credentials in its error page. */
    @Test
    void aServerEchoingTheCredentialsIsNotRepeated() {
        for (int status : new int[] {400, 401, 403, 404, 500, 502}) {
            for (String body : List.of("{\"name\":\"BadRequest\",\"data\":{\"message\":\"bad header {{request.headers.Authorization}}\"}}",
                    "bad request; headers: Authorization: {{request.headers.Authorization}}",
                    "{\"message\":\"user opencode password " + PASSWORD + " rejected\"}")) {
                wm.resetAll();
                ResponseDefinitionBuilder rb = aResponse().withStatus(status).withBody(body).withTransformers(
                        "response-template");
                wm.stubFor(any(anyUrl()).willReturn(body.startsWith("{") ? rb.withHeader("content-type",
                        "application/json") : rb.withHeader("content-type", "text/plain")));
                for (List<String> args : List.of(List.of("serve-check"), List.of("inspect", SID),
                        List.of("-v", "--json", "approve", SID))) {
                    Cli.Result r = Cli.withUrl(wm.baseUrl()).env("OPENCODE_SERVER_PASSWORD", PASSWORD)
                            .run(args.toArray(String[]::new));
                    assertNoSecret(status + " " + body + ": " + args, r, PASSWORD);
                }
            }
        }
        // The same for a 200 that is not JSON, which ocs quotes the start of.
        wm.resetAll();
        wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("content-type", "text/html")
                .withBody("<pre>{{request.headers.Authorization}}</pre>").withTransformers("response-template")));
        Cli.Result r = Cli.withUrl(wm.baseUrl()).env("OPENCODE_SERVER_PASSWORD", PASSWORD).run("inspect", SID);
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertNoSecret("html echo", r, PASSWORD);
    }

    // ---- redirects

    @Test
    void redirectsAreNotFollowedWithCredentialsToAnotherHostOrTheSameOne() {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            for (boolean sameHost : new boolean[] {false, true}) {
                wm.resetAll();
                elsewhere.resetAll();
                String target = (sameHost ? wm.baseUrl() : elsewhere.baseUrl()) + "/moved";
                elsewhere.stubFor(any(anyUrl()).willReturn(okJson("{}")));
                wm.stubFor(any(urlPathEqualTo("/moved")).willReturn(okJson("{}")));
                wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(status)
                        .withHeader("Location", target)));
                for (int i = 0; i < COMMANDS.size(); i++) {
                    List<String> command = COMMANDS.get(i);
                    Source source = Source.values()[(i + status) % Source.values().length];
                    {
                        List<String> args = new ArrayList<>(command);
                        Cli.Result r = cli(wm.baseUrl(), source, PASSWORD, args).run(args.toArray(String[]::new));
                        String what = status + (sameHost ? " same host" : " other host") + ": ocs " + args;
                        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), what + "\n" + r);
                        assertTrue(r.err().contains("redirected (HTTP " + status + ")"), what + "\n" + r);
                        assertNoSecret(what, r, PASSWORD);
                    }
                }
                assertEquals(0, elsewhere.getAllServeEvents().size(), "nothing reached the other host");
                assertTrue(wm.getAllServeEvents().stream().noneMatch(e -> e.getRequest().getUrl().startsWith("/moved")),
                        "the redirect target on the same host was not requested");
            }
        }
    }

    // ---- plain http to another host

    @Test
    void plainHttpToAnotherHostWithCredentialsWarns() {
        // 192.0.2.1 is TEST-NET-1: never routed, so the request fails fast with the short timeout.
        Cli.Result r = Cli.withUrl("http://192.0.2.1:9").env("OPENCODE_SERVER_PASSWORD", PASSWORD)
                .run("--request-timeout", "0.3", "serve-check");
        assertTrue(r.err().contains("ocs: warning: credentials go to 192.0.2.1 over plain http"), r.toString());
        assertNoSecret("warning", r, PASSWORD);
        assertEquals(1, r.err().lines().filter(l -> l.contains("warning")).count(), "once:\n" + r);

        for (String url : List.of(wm.baseUrl(), "http://127.0.0.1:" + closedPort, "http://localhost:" + closedPort,
                "http://[::1]:" + closedPort, "https://192.0.2.1:9")) {
            Cli.Result quiet = Cli.withUrl(url).env("OPENCODE_SERVER_PASSWORD", PASSWORD)
                    .run("--request-timeout", "0.3", "serve-check");
            assertFalse(quiet.err().contains("warning: credentials"), url + "\n" + quiet);
        }
    }

    /** Credentials inside --url are refused, and the refusal does not repeat them, whatever else is wrong. */
    @Test
    void aPasswordInsideTheUrlIsNeverEchoed() {
        for (String url : List.of("http://opencode:" + PASSWORD + "@127.0.0.1:4999",
                "https://opencode:" + PASSWORD + "@example.org", "ftp://opencode:" + PASSWORD + "@127.0.0.1:4999",
                "http://opencode:" + PASSWORD + "@127.0.0.1:4999/x?y=1", "http://opencode:" + PASSWORD + "@",
                "http://opencode:" + PASSWORD + " @127.0.0.1:4999", "opencode:" + PASSWORD + "@127.0.0.1:4999",
                "http://opencode:" + PASSWORD + "@[::1:4999")) {
            Cli.Result r = Cli.withUrl(url).run("serve-check");
            assertEquals(ExitCode.USAGE, r.exitCode(), url + "\n" + r);
            assertNoSecret(url, r, PASSWORD);
            Cli.Result flag = Cli.withUrl(wm.baseUrl()).run("--url", url, "inspect", SID);
            assertEquals(ExitCode.USAGE, flag.exitCode(), url + "\n" + flag);
            assertNoSecret(url, flag, PASSWORD);
        }
    }
}

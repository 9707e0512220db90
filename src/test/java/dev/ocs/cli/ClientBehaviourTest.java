package dev.ocs.cli;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.ocs.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared client: auth, no proxy, no redirects, and each failure's exit code and one-line message. */
class ClientBehaviourTest {
    static final String PASSWORD = "s3cret-Pa55word";
    static final String HEALTH = "{\"healthy\":true,\"version\":\"1.18.33\"}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension elsewhere = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    Cli cli() {
        return Cli.withUrl(wm.baseUrl()).env("OPENCODE_SERVER_PASSWORD", PASSWORD);
    }

    static void assertOneCleanLine(Cli.Result r) {
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
        assertFalse(r.err().contains("Exception"), "no exception names:\n" + r);
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("ocs: ")).count(), r.toString());
    }

    static void assertNoPassword(Cli.Result r) {
        assertFalse(r.all().contains(PASSWORD), "password leaked:\n" + r);
        String b64 = Base64.getEncoder().encodeToString(("opencode:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertFalse(r.all().contains(b64), "encoded credentials leaked:\n" + r);
    }

    @Test
    void sendsBasicAuthUpFrontOnEveryRequest() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_abc")).willReturn(okJson("{\"id\":\"ses_abc\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/ses_abc/message")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/question")).willReturn(okJson("[]")));
        Cli.Result r = cli().run("inspect", "ses_abc");
        assertEquals(0, r.exitCode(), r.toString());
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                ("opencode:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<ServeEvent> events = wm.getAllServeEvents();
        assertEquals(5, events.size(), events.stream().map(e -> e.getRequest().getMethod() + " "
                + e.getRequest().getUrl()).toList().toString());
        for (ServeEvent e : events) {
            assertEquals(expected, e.getRequest().getHeader("Authorization"), e.getRequest().getUrl());
        }
    }

    @Test
    void neverGoesThroughAProxy() throws IOException {
        wm.stubFor(get("/global/health").willReturn(okJson(HEALTH)));
        int dead = closedPort();
        String oldHost = System.getProperty("http.proxyHost");
        String oldPort = System.getProperty("http.proxyPort");
        System.setProperty("http.proxyHost", "127.0.0.1");
        System.setProperty("http.proxyPort", Integer.toString(dead));
        try {
            Cli.Result r = cli().env("HTTP_PROXY", "http://127.0.0.1:" + dead)
                    .env("http_proxy", "http://127.0.0.1:" + dead).env("ALL_PROXY", "http://127.0.0.1:" + dead)
                    .run("serve-check");
            assertEquals(0, r.exitCode(), r.toString());
            wm.verify(1, getRequestedFor(urlEqualTo("/global/health")));
        } finally {
            restore("http.proxyHost", oldHost);
            restore("http.proxyPort", oldPort);
        }
    }

    @Test
    void rejectedCredentialsExit4NamingUserAndSourceNotPassword() {
        wm.stubFor(get("/global/health").willReturn(aResponse().withStatus(401).withBody("Unauthorized")));
        Cli.Result r = cli().run("-v", "serve-check");
        assertEquals(ExitCode.AUTH, r.exitCode(), r.toString());
        assertTrue(r.err().contains("credentials rejected"), r.toString());
        assertTrue(r.err().contains("'opencode'"), r.toString());
        assertTrue(r.err().contains("OPENCODE_SERVER_PASSWORD"), r.toString());
        assertTrue(r.err().contains("Authorization: Basic ****"), "the -v trace masks the header:\n" + r);
        assertNoPassword(r);
    }

    @Test
    void unknownSessionIsASentenceAndExit5() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_nope")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json")
                .withBody("{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found: ses_nope\"}}")));
        Cli.Result r = cli().run("inspect", "ses_nope");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertEquals("ocs: no session ses_nope on " + wm.baseUrl(), r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void serverErrorQuotesTheServersMessageInEitherShape() {
        wm.stubFor(get("/global/health").willReturn(aResponse().withStatus(500)
                .withHeader("content-type", "application/json")
                .withBody("{\"name\":\"UnknownError\",\"data\":{\"message\":\"database is locked\"}}")));
        Cli.Result r = cli().run("serve-check");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("HTTP 500: UnknownError: database is locked"), r.toString());
        assertOneCleanLine(r);

        wm.stubFor(get("/global/health").willReturn(aResponse().withStatus(409)
                .withHeader("content-type", "application/json")
                .withBody("{\"_tag\":\"Conflict\",\"message\":\"already running\"}")));
        r = cli().run("serve-check");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("HTTP 409: Conflict: already running"), r.toString());

        wm.stubFor(get("/global/health").willReturn(aResponse().withStatus(400)
                .withHeader("content-type", "application/json").withBody("{\"_tag\":\"BadRequest\"}")));
        r = cli().run("serve-check");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("HTTP 400: BadRequest"), r.toString());
    }

    @Test
    void htmlWhereJsonWasExpectedSaysWhatCameBack() {
        wm.stubFor(get("/global/health").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/html; charset=utf-8")
                .withBody("<!doctype html><html><head><title>OpenCode</title></head></html>")));
        Cli.Result r = cli().run("serve-check");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains(": not an opencode server (GET /global/health answered text/html: a page titled "
                + "'OpenCode')"), r.toString());
        assertOneCleanLine(r);
    }

    @Test
    void truncatedJsonIsUnreadableExit6() {
        wm.stubFor(get("/global/health").willReturn(okJson("{\"healthy\":tr")));
        Cli.Result r = cli().run("serve-check");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unreadable answer from GET /global/health"), r.toString());
        assertOneCleanLine(r);
    }

    @Test
    void slowServerTimesOutWithExit7() {
        wm.stubFor(get("/global/health").willReturn(okJson(HEALTH).withFixedDelay(3000)));
        Cli.Result r = cli().run("--request-timeout", "0.5", "serve-check");
        assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no answer to GET /global/health"), r.toString());
        assertTrue(r.err().contains("--request-timeout"), r.toString());
    }

    @Test
    void nothingListeningIsExit3WithTheWayOut() throws IOException {
        String url = "http://127.0.0.1:" + closedPort();
        Cli.Result r = Cli.withUrl(url).run("inspect", "ses_abc");
        assertEquals(ExitCode.UNREACHABLE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot reach opencode at " + url), r.toString());
        assertTrue(r.err().contains("ocs serve-check --start"), r.toString());
        assertOneCleanLine(r);
    }

    @Test
    void redirectsAreNotFollowed() {
        elsewhere.stubFor(get("/global/health").willReturn(okJson(HEALTH)));
        wm.stubFor(get("/global/health").willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere.baseUrl() + "/global/health")));
        Cli.Result r = cli().run("serve-check");
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        assertTrue(r.err().contains("redirected"), r.toString());
        assertEquals(0, elsewhere.getAllServeEvents().size(), "nothing reached the other host");
    }

    @Test
    void passwordPrecedenceAndFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        wm.stubFor(get("/global/health").willReturn(okJson(HEALTH)));
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\nsecond line ignored\n");
        cli().run("--password-file", file.toString(), "serve-check");
        assertEquals(basic("from-file"), lastAuth());
        cli().run("--password-file", file.toString(), "-p", "from-flag", "serve-check");
        assertEquals(basic("from-flag"), lastAuth());
        cli().run("serve-check");
        assertEquals(basic(PASSWORD), lastAuth());
        Cli.withUrl(wm.baseUrl()).run("serve-check");
        assertEquals(basic("changeme"), lastAuth());
        Cli.withUrl(wm.baseUrl()).env("OPENCODE_SERVER_USERNAME", "alice").run("-u", "bob", "serve-check");
        assertEquals("Basic " + Base64.getEncoder().encodeToString("bob:changeme".getBytes(StandardCharsets.UTF_8)),
                lastAuth());

        Cli.Result r = cli().run("--password-file", dir.resolve("missing").toString(), "serve-check");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no such file"), r.toString());
    }

    @Test
    void directoryGoesOnEveryRouteThatTakesIt() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_abc")).willReturn(okJson("{\"id\":\"ses_abc\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/ses_abc/message")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        Cli.Result r = cli().run("inspect", "--dir", "/work/a b&c", "ses_abc");
        assertEquals(0, r.exitCode(), r.toString());
        for (ServeEvent e : wm.getAllServeEvents()) {
            assertEquals("/work/a b&c", e.getRequest().queryParameter("directory").firstValue(),
                    e.getRequest().getUrl());
        }
    }

    @Test
    void badUrlIsUsage() {
        Cli.Result r = Cli.withUrl("ftp://example").run("serve-check");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("must be http://"), r.toString());
    }

    private String lastAuth() {
        List<ServeEvent> all = wm.getAllServeEvents();
        return all.get(0).getRequest().getHeader("Authorization");
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("opencode:" + password).getBytes(StandardCharsets.UTF_8));
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}

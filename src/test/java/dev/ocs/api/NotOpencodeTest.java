package dev.ocs.api;

import dev.ocs.ExitCode;
import dev.ocs.RawServer;
import dev.ocs.cli.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers that answer but are not opencode: every command says so (exit 6, "not an opencode server" and what it
 * answered), never "no session" and never a raw body.
 */
class NotOpencodeTest {
    private static final String HTML = "<!doctype html><html><head><title>404 Not Found</title></head>"
            + "<body><h1>Not Found</h1></body></html>";

    /** A static web server: an HTML 404 page for everything. */
    static void htmlNotFound(RawServer.Exchange x) throws IOException {
        x.head(404, "text/html; charset=utf-8", HTML.length());
        x.write(HTML);
    }

    /** A single-page app or a proxy's page: 200 and HTML for every path. */
    static void htmlEverywhere(RawServer.Exchange x) throws IOException {
        x.head(200, "text/html", HTML.length());
        x.write(HTML);
    }

    /** Another JSON API: its own error shape, and its own idea of /session. */
    static void otherJsonApi(RawServer.Exchange x) throws IOException {
        if (x.path().equals("/session")) {
            x.json(200, "{\"items\":[],\"total\":0}");
        } else {
            x.json(404, "{\"error\":\"not found\",\"status\":404}");
        }
    }

    static Stream<Arguments> cases() {
        List<RawServer.Handler> servers = List.of(NotOpencodeTest::htmlNotFound, NotOpencodeTest::htmlEverywhere,
                NotOpencodeTest::otherJsonApi);
        List<String> names = List.of("html 404", "html 200", "json api");
        List<List<String>> commands = List.of(List.of("serve-check"), List.of("inspect", "ses_abc"),
                List.of("inspect", "--json", "ses_abc"), List.of("list"), List.of("list", "--busy"),
                List.of("send", "hello"), List.of("send", "--session", "ses_abc", "--wait", "hello"),
                List.of("abort", "ses_abc"), List.of("approve", "ses_abc"), List.of("watch", "ses_abc"),
                List.of("doctor"));
        return servers.stream().flatMap(s -> commands.stream().map(c ->
                Arguments.of(names.get(servers.indexOf(s)), s, c)));
    }

    RawServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}: ocs {2}")
    @MethodSource("cases")
    void everyCommandSaysNotOpencode(String name, RawServer.Handler handler, List<String> command) throws IOException {
        server = new RawServer(handler);
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Cli.withUrl(server.url()).env("OPENCODE_SERVER_PASSWORD", "s3cret-pw")
                        .run(command.toArray(String[]::new)));
        assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("ocs: " + server.url() + ": not an opencode server ("), r.toString());
        assertFalse(r.err().contains("no session"), r.toString());
        assertFalse(r.err().contains("<h1>"), "no raw body: " + r);
        assertFalse(r.all().contains("s3cret-pw"), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
    }
}

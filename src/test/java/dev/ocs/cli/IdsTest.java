package dev.ocs.cli;

import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.http.OpencodeClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identifiers are data, never paths: a malformed id is a usage error before any request; a well-formed id the
 * server does not know is exit 5; whatever a user passes (ids, --dir) is encoded and cannot reach another route.
 */
class IdsTest {
    static final String SID = "ses_df604f802ffeoZehXyKiLM7Gzy";
    static final String PID = "per_209fb13a4001DfSKdjiPIoUxor";
    static final String NOT_FOUND = "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found\"}}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** Not "ses_"/"per_" followed by ASCII letters and digits only: each must be refused before any request. */
    static final List<String> HOSTILE = List.of(
            "", " ", "ses_", "per_", "ses", "SES_abc", "ses-abc", "ses_abc_def",
            "..", ".", "../config", "../../global/health", "ses_abc/..", "ses_abc/../../config", "ses_../x",
            "ses_a/b", "ses_a\\b", "/ses_abc", "ses_abc/",
            "ses_a?x=1", "ses_a?", "ses_a#frag", "ses_a&directory=/etc", "ses_a;x", "ses_a=b",
            "ses_a%2Fb", "ses_a%2e%2e", "ses_%00", "%73es_abc",
            "ses_a b", " ses_abc", "ses_abc ", "ses_abc\n", "ses_a\nb", "ses_a\r\nHost: evil", "ses_a\tb",
            "ses_a\u0000", "ses_a\u001b[2J",
            "ses_é", "ses_\u0430bc" /* Cyrillic a */, "ses_\uff11\uff12" /* fullwidth digits */,
            "ses_\u0661\u0662" /* Arabic-Indic digits */, "ses_a\u202eb" /* RTL override */,
            "ses_a\u200bb" /* zero-width space */, "ses_abc\u00a0", "ses_\ud83d\ude80", "ses_abc\ufeff",
            "ses_a.b", "ses_a:b", "ses_a@b", "ses_a'b", "ses_a\"b", "ses_a*", "ses_a+b", "ses_a~b",
            "ses_" + "x".repeat(101));

    static Stream<String> hostile() {
        return HOSTILE.stream();
    }

    /** Every command taking an id, with the hostile id in each id position. */
    static List<String[]> invocations(String id) {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {"inspect", "--", id});
        out.add(new String[] {"inspect", "--json", "--", id});
        out.add(new String[] {"send", "-s", id, "hi"});
        out.add(new String[] {"send", "--wait", "--session", id, "hi"});
        out.add(new String[] {"abort", "--", id});
        out.add(new String[] {"approve", "--", id});
        out.add(new String[] {"approve", "--", id, PID});
        out.add(new String[] {"approve", "--always", "--", SID, id.replaceFirst("^ses_", "per_")});
        out.add(new String[] {"approve", "--", SID, id});
        return out;
    }

    Cli cli() {
        return Cli.withUrl(wm.baseUrl());
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void malformedIdsAreUsageErrorsBeforeAnyRequest(String id) {
        wm.stubFor(get(anyUrl()).willReturn(okJson("{}")));
        wm.stubFor(post(anyUrl()).willReturn(okJson("{}")));
        for (String[] args : invocations(id)) {
            Cli.Result r = cli().run(args);
            String what = String.join(" ", args).replace("\n", "\\n");
            assertEquals(ExitCode.USAGE, r.exitCode(), what + "\n" + r);
            assertEquals("", r.out(), what);
            assertFalse(r.err().contains("\tat "), what + "\n" + r);
            assertTrue(r.err().startsWith("ocs: "), what + "\n" + r);
        }
        assertEquals(0, wm.getAllServeEvents().size(), "no request reached the server for " + id.replace("\n", "\\n"));
    }

    @Test
    void theIdInTheMessageIsOneSafeLine() {
        Cli.Result r = cli().run("inspect", "ses_a\r\nHost: evil\u001b[2J");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        String first = r.err().lines().findFirst().orElseThrow();
        assertTrue(first.contains("is not a session id"), r.toString());
        assertFalse(r.err().contains("\u001b"), "no terminal escape from the argument:\n" + r);
        assertEquals(1, r.err().lines().count(), "one line, with the help hint:\n" + r);
    }

    @Test
    void wellFormedIdsAreAcceptedWhateverTheirLetters() {
        for (String id : List.of("ses_a", "ses_0", "ses_ABCxyz0123456789", "ses_" + "x".repeat(100))) {
            assertEquals(id, Ids.session(id));
            String pid = "per_" + id.substring(4);
            assertEquals(pid, Ids.permission(pid));
        }
        assertThrows(OcsException.class, () -> Ids.session("per_abc"));
        assertThrows(OcsException.class, () -> Ids.permission("ses_abc"));
        assertThrows(OcsException.class, () -> Ids.session(null));
    }

    // ---- well-formed but unknown: exit 5, nothing changed on the server

    void stubUnknownSession(String sid) {
        wm.stubFor(get(urlPathMatching("/session/" + sid + "(/.*)?")).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json").withBody(NOT_FOUND)));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
    }

    @Test
    void unknownSessionIsExit5ForEveryCommandAndNothingIsPosted() {
        stubUnknownSession("ses_unknown1");
        wm.stubFor(post(anyUrl()).willReturn(okJson("true")));
        for (String[] args : List.of(new String[] {"inspect", "ses_unknown1"},
                new String[] {"inspect", "--json", "ses_unknown1"},
                new String[] {"send", "-s", "ses_unknown1", "hi"},
                new String[] {"send", "--wait", "-s", "ses_unknown1", "hi"},
                new String[] {"abort", "ses_unknown1"},
                new String[] {"approve", "ses_unknown1"},
                new String[] {"approve", "ses_unknown1", "per_unknown1"})) {
            Cli.Result r = cli().run(args);
            assertEquals(ExitCode.NOT_FOUND, r.exitCode(), String.join(" ", args) + "\n" + r);
            assertEquals("ocs: no session ses_unknown1 on " + wm.baseUrl(), r.err().strip(), String.join(" ", args));
        }
        wm.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void unknownRequestOfAKnownSessionIsExit5AndNothingIsPosted() {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson(Fixtures.read("permission-list.json"))));
        wm.stubFor(post(anyUrl()).willReturn(okJson("true")));
        Cli.Result r = cli().run("approve", SID, "per_unknown2");
        assertEquals(ExitCode.NOT_FOUND, r.exitCode(), r.toString());
        assertTrue(r.err().contains("per_unknown2 is not pending for " + SID), r.toString());
        wm.verify(0, postRequestedFor(anyUrl()));
    }

    // ---- ids the server sends back are data too

    @Test
    void idsFromTheServerCannotLeaveTheirSegment() {
        // A pending request whose id is path syntax: answering it must not reach another route.
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(post(anyUrl()).willReturn(okJson("true")));
        for (String bad : List.of("../../session/" + SID + "/abort", "..", ".", "a?x=1", "a#b", "a b\nc", "é/ü")) {
            wm.resetRequests();
            String list = "[{\"id\":" + json(bad) + ",\"sessionID\":\"" + SID + "\",\"permission\":\"bash\","
                    + "\"patterns\":[\"ls\"]}]";
            wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson(list)));
            Cli.Result r = cli().run("approve", SID);
            for (ServeEvent e : wm.getAllServeEvents()) {
                String path = URI.create(e.getRequest().getUrl()).getRawPath();
                assertFalse(path.endsWith("/abort"), bad + " reached " + path);
                if (e.getRequest().getMethod().getName().equals("POST")) {
                    List<String> expected = path.startsWith("/permission/") ? List.of("permission", bad, "reply")
                            : List.of("session", SID, "permissions", bad);
                    assertEquals(expected, segments(path), path);
                    assertTrue(rawSegments(path).stream().noneMatch(s -> s.equals("..") || s.equals(".")),
                            "no dot segment (servers resolve them): " + path);
                }
            }
            assertTrue(r.exitCode() == ExitCode.OK || r.exitCode() == ExitCode.SERVER_ERROR, bad + "\n" + r);
            assertFalse(r.err().contains("\tat "), r.toString());
            assertFalse(r.err().contains("unexpected error"), r.toString());
        }
    }

    @Test
    void aPendingRequestWithoutAnIdIsAnUnreadableAnswerNotACrash() {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(post(anyUrl()).willReturn(okJson("true")));
        for (String id : List.of("", "null", "7", "{}", "[]", "true")) {
            String field = id.isEmpty() ? "" : "\"id\":" + id + ",";
            wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[{" + field + "\"sessionID\":\"" + SID
                    + "\",\"permission\":\"bash\",\"patterns\":[\"ls\"]}]")));
            Cli.Result r = cli().run("approve", SID);
            assertFalse(r.err().contains("unexpected error"), id + "\n" + r);
            assertFalse(r.err().contains("\tat "), id + "\n" + r);
            if (r.exitCode() != ExitCode.OK) {
                assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), id + "\n" + r);
                assertEquals(1, r.err().strip().lines().count(), r.toString());
            }
        }
    }

    // ---- --dir and every other value reach the server as exactly one query value

    static final List<String> DIRS = List.of("../x", "a b", "?x=1&y", "é", "line\nbreak", "/work/a b&c",
            "a+b", "%2F", "a=b=c", "#frag", "\u202eevil", "dir;x", "tab\there", "C:\\Users\\x", "~/p", "\ud83d\ude80",
            "/", "..", "a%b", "&directory=/etc");

    static Stream<String> dirs() {
        return DIRS.stream();
    }

    @ParameterizedTest
    @MethodSource("dirs")
    void dirReachesTheServerAsExactlyOneDecodedValue(String dir) {
        wm.stubFor(get(urlPathEqualTo("/session/" + SID)).willReturn(okJson("{\"id\":\"" + SID + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/" + SID + "/message")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/question")).willReturn(okJson("[]")));
        wm.stubFor(post(urlPathEqualTo("/session/" + SID + "/abort")).willReturn(okJson("true")));
        assertEquals(0, cli().run("--dir", dir, "inspect", SID).exitCode());
        assertEquals(0, cli().run("abort", "--dir", dir, SID).exitCode());
        assertEquals(ExitCode.NOT_FOUND, cli().run("approve", SID, "--dir", dir).exitCode());
        List<ServeEvent> events = wm.getAllServeEvents();
        assertTrue(events.size() >= 10, "requests: " + events.size());
        for (ServeEvent e : events) {
            String url = e.getRequest().getUrl();
            URI uri = URI.create(url);
            String path = uri.getRawPath();
            assertTrue(path.equals("/session/" + SID) || path.equals("/session/" + SID + "/message")
                    || path.equals("/session/status") || path.equals("/permission") || path.equals("/question")
                    || path.equals("/session/" + SID + "/abort"), "route " + path);
            // Parse the raw query ourselves: exactly one directory, decoding back to the same string.
            List<String> values = new ArrayList<>();
            for (String kv : uri.getRawQuery().split("&")) {
                String[] pair = kv.split("=", -1);
                assertEquals(2, pair.length, "one '=' per parameter: " + url);
                String key = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
                assertTrue(key.equals("directory") || key.equals("limit"), "parameter " + key + " in " + url);
                if (key.equals("directory")) {
                    values.add(URLDecoder.decode(pair[1], StandardCharsets.UTF_8));
                }
            }
            assertEquals(List.of(dir), values, url);
            QueryParameter q = e.getRequest().queryParameter("directory");
            assertEquals(List.of(dir), q.values(), "as the server decodes it: " + url);
        }
    }

    @Test
    void pathAndQueryEncodingKeepEveryStringInsideItsSegment() {
        Random rnd = new Random(20261124L);
        String alphabet = "aZ09 ./\\?#&=%+;:@!$'()*,~-_\n\r\t\u0000é\u202e\ud83d\ude80[]{}\"<>|^`";
        URI base = URI.create("http://127.0.0.1:1");
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            if (!validSurrogates(s)) {
                continue;
            }
            if (s.equals(".") || s.equals("..")) {
                OcsException e = assertThrows(OcsException.class, () -> OpencodeClient.path("session", s, "message"));
                assertEquals(ExitCode.SERVER_ERROR, e.exitCode());
                continue;
            }
            String path = OpencodeClient.path("session", s, "message");
            URI uri = URI.create(base + path);
            List<String> segs = segments(uri.getRawPath());
            assertEquals(List.of("session", s, "message"), segs, "segments of " + path);
            assertTrue(rawSegments(uri.getRawPath()).stream().noneMatch(x -> x.equals(".") || x.equals("..")),
                    "no dot segment, which servers resolve: " + path);
            assertEquals(null, uri.getRawQuery(), path);
            assertEquals(null, uri.getRawFragment(), path);
        }
    }

    @Test
    void segmentsThatEncodingCannotMakeSafeAreRefused() {
        for (String s : new String[] {null, "", ".", ".."}) {
            OcsException e = assertThrows(OcsException.class, () -> OpencodeClient.path("permission", s, "reply"));
            assertEquals(ExitCode.SERVER_ERROR, e.exitCode());
        }
        assertEquals("/permission/...%2F/reply", OpencodeClient.path("permission", ".../", "reply"));
        assertEquals("/session/%252E%252E", OpencodeClient.path("session", "%2E%2E"), "a literal % is data too");
    }

    private static boolean validSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.substring(1).split("/", -1)) {
            out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }

    static List<String> rawSegments(String rawPath) {
        return List.of(rawPath.substring(1).split("/", -1));
    }

    private static String json(String s) {
        try {
            return dev.ocs.http.Json.mapper().writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}

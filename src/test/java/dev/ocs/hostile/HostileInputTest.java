package dev.ocs.hostile;

import com.fasterxml.jackson.core.JsonParser;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.OcsException;
import dev.ocs.cli.Cli;
import dev.ocs.events.Event;
import dev.ocs.events.SseReader;
import dev.ocs.http.Json;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.Finding;
import dev.ocs.session.HumanReport;
import dev.ocs.session.JsonReport;
import dev.ocs.session.Message;
import dev.ocs.session.MessageReader;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.SessionInfo;
import dev.ocs.session.Status;
import dev.ocs.session.Style;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Ids that try to reach other routes, and server JSON that is mutated, cut, shuffled or hostile. */
class HostileInputTest {
    static final String[] HOSTILE_IDS = {"../config", "ses_../../config", "ses_abc/../x", "ses_a?x=1", "ses_a%2Fb",
        "ses_a b", "ses_a\nb", "ses_", "SES_abc", "ses_abc#x", "ses_é", "ses_a\u0000", "", "per_x", "-ses_abc",
        "ses_" + "a".repeat(200)};

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    void hostileIdsAreUsageErrorsBeforeAnyRequest() {
        for (String id : HOSTILE_IDS) {
            String request = id.replace("ses_", "per_");
            if (request.matches("per_[A-Za-z0-9]+")) request = request + "/..";
            if (request.startsWith("-")) request = "x" + request; // "-p…" is picocli's -p (password) option
            for (String[] args : new String[][] {{"inspect", id}, {"abort", id}, {"approve", id},
                    {"approve", "ses_abc", request}, {"send", "-s", id, "hi"}}) {
                wm.resetRequests();
                Cli.Result r = Cli.withUrl(wm.baseUrl()).run(args);
                assertEquals(ExitCode.USAGE, r.exitCode(), String.join(" ", args) + ": " + r);
                assertEquals(0, wm.findAll(anyRequestedFor(anyUrl())).size(), "no request for " + String.join(" ", args));
                assertFalse(r.err().contains("\tat "), r.toString());
            }
        }
    }

    @Test
    void aDirectoryOfAnyTextIsOneEncodedQueryValue() {
        wm.stubFor(get(urlPathEqualTo("/session/ses_abc")).willReturn(okJson("{\"id\":\"ses_abc\"}")));
        wm.stubFor(get(urlPathEqualTo("/session/ses_abc/message")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/session/status")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/permission")).willReturn(okJson("[]")));
        for (String dir : new String[] {"../x", "a b", "?x=1&y", "é/ü 中", "a\nb", "%2F", "#frag"}) {
            wm.resetRequests();
            Cli.Result r = Cli.withUrl(wm.baseUrl()).run("--dir", dir, "inspect", "ses_abc", "--json");
            assertEquals(ExitCode.OK, r.exitCode(), dir + ": " + r);
            var reqs = wm.findAll(getRequestedFor(urlPathEqualTo("/session/ses_abc")));
            assertEquals(1, reqs.size(), dir);
            assertEquals(List.of(dir), reqs.get(0).getQueryParams().get("directory").values(), "the directory, whole");
            assertEquals(1, reqs.get(0).getQueryParams().size(), "nothing else got in: " + reqs.get(0).getUrl());
        }
    }

    /** Reads, diagnoses and renders both ways; anything but a report or a clean exit-6 error is a failure. */
    static void survive(byte[] body, String what) {
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            if (p.nextToken() == null) return;
            List<Message> ms = MessageReader.read(p, ReadOptions.DEFAULT);
            SessionInfo info = new SessionInfo("ses_x", "t", "/d", null, null, null, null, null, null);
            List<Finding> f = new Diagnosis("ocs", null).diagnose(info, Status.IDLE, ms, List.of());
            Report r = new Report("http://x", info, Status.IDLE, ms, List.of(), f, false);
            new HumanReport(new PrintWriter(new StringWriter()), new Style(true), ReadOptions.DEFAULT).render(r);
            StringWriter json = new StringWriter();
            try (com.fasterxml.jackson.core.JsonGenerator g = Json.FACTORY.createGenerator(json)) {
                JsonReport.write(g, r);
            }
            Json.tree(json.toString());
        } catch (OcsException e) {
            assertEquals(ExitCode.SERVER_ERROR, e.exitCode(), what + ": " + e.getMessage());
        } catch (IOException e) {
            // a parse error: the client turns it into exit 6 ("unreadable answer")
        } catch (RuntimeException | StackOverflowError e) {
            fail(what + " crashed the reader: " + e, e);
        }
    }

    @Test
    void mutatedRecordedSessionsNeverCrashTheReader() {
        String[] fixtures = {"normal.messages.json", "empty-stop.messages.json", "reasoning-length.messages.json",
            "permission-pending.messages.json", "provider-unreachable.messages.json", "aborted.messages.json",
            "recorded/tool-approved.messages.json", "recorded/tool-rejected.messages.json",
            "recorded/unknown-model.messages.json", "recorded/upstream-500.messages.json"};
        String[] swaps = {"\"x\"", "1", "-1", "1e308", "null", "true", "[]", "{}", "[[[]]]", "\"\"", "99999999999999999999"};
        Random rnd = new Random(20261124);
        int cases = 0;
        for (String name : fixtures) {
            byte[] orig = Fixtures.read(name).getBytes(StandardCharsets.UTF_8);
            survive(orig, name);
            for (int i = 0; i < 400; i++) {
                byte[] b;
                switch (i % 4) {
                    case 0 -> b = java.util.Arrays.copyOf(orig, rnd.nextInt(orig.length));       // cut
                    case 1 -> {                                                              // bytes flipped
                        b = orig.clone();
                        for (int k = 0; k < 1 + rnd.nextInt(8); k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                    case 2 -> {                                                              // a value of another type
                        String s = new String(orig, StandardCharsets.UTF_8);
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":\\s*(\"[^\"]*\"|-?\\d+|true|false|null)").matcher(s);
                        StringBuilder out = new StringBuilder();
                        while (m.find()) {
                            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                                    rnd.nextInt(6) == 0 ? ": " + swaps[rnd.nextInt(swaps.length)] : m.group()));
                        }
                        m.appendTail(out);
                        b = out.toString().getBytes(StandardCharsets.UTF_8);
                    }
                    default -> {                                                             // lines shuffled
                        List<String> lines = new java.util.ArrayList<>(List.of(new String(orig, StandardCharsets.UTF_8).split("\n")));
                        int a = rnd.nextInt(lines.size()), c = rnd.nextInt(lines.size());
                        java.util.Collections.swap(lines, a, c);
                        b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                    }
                }
                survive(b, name + " mutation " + i);
                cases++;
            }
        }
        byte[] random = new byte[4096];
        for (int i = 0; i < 500; i++) {
            rnd.nextBytes(random);
            survive(random, "random bytes " + i);
            cases++;
        }
        survive(("[" + "[".repeat(100_000)).getBytes(StandardCharsets.US_ASCII), "deep nesting");
        survive(("[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"},\"parts\":[{\"type\":\"text\",\"text\":\""
                + "x".repeat(20_000_000) + "\"}]}]").getBytes(StandardCharsets.US_ASCII), "a 20 MB string");
        assertTrue(cases >= 4000, "cases run: " + cases);
    }

    @Test
    void garbledEventStreamsYieldEventsOrSkippedLinesOnly() throws IOException {
        byte[] orig = Fixtures.read("tool-permission-approved.events.sse").getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(7);
        for (int i = 0; i < 500; i++) {
            byte[] b = orig.clone();
            for (int k = 0; k < 20; k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            SseReader r = new SseReader(new ByteArrayInputStream(b));
            try {
                for (Event e = r.next(); e != null; e = r.next()) {
                    e.sessionID();
                }
            } catch (RuntimeException e) {
                fail("event stream mutation " + i + " crashed the reader: " + e, e);
            }
        }
    }
}

package dev.ocs.session;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.Mutations;
import dev.ocs.OcsException;
import dev.ocs.http.Json;
import dev.ocs.http.JsonBytes;
import dev.ocs.http.OpencodeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.SequenceInputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reader cannot be crashed: mutated, truncated and shuffled recorded server JSON, noise, deep nesting, huge
 * strings and values of the wrong type go through what {@code inspect} does with a body (MessageReader, Status,
 * Permission, SessionInfo, Diagnosis, both renderings). Each ends in a report or a clean {@link OcsException}
 * with exit 6 (the client turns a JSON or I/O error into that too); any other exception fails, with the seed that
 * reproduces it. Deterministic: java.util.Random with fixed seeds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuzzParserTest {
    static final long SEED = 0x0c5_2026L;
    static final List<String> MESSAGES = List.of("normal.messages.json", "aborted.messages.json",
            "empty-stop.messages.json", "permission-pending.messages.json", "provider-unreachable.messages.json",
            "reasoning-length.messages.json");
    static final String SID = "ses_df604e9d5ffeZETbNH46nDgKFt";

    static final AtomicInteger CASES = new AtomicInteger();
    static final AtomicInteger REPORTS = new AtomicInteger();
    static final AtomicInteger REFUSED = new AtomicInteger();
    static final long STARTED = System.nanoTime();

    enum Outcome { REPORT, REFUSED }

    /** The recorded documents, pretty as recorded and compact (so byte damage lands in content more often). */
    static final List<byte[]> MESSAGE_BODIES = new ArrayList<>();
    static final List<JsonNode> MESSAGE_TREES = new ArrayList<>();
    static final JsonNode STATUS = Mutations.parse(Fixtures.read("session-status.json"));
    static final JsonNode PERMISSIONS = Mutations.parse(Fixtures.read("permission-list.json"));
    /** A session's info as the server sent it (recorded in the event stream). */
    static final JsonNode SESSION;

    static {
        for (String f : MESSAGES) {
            String text = Fixtures.read(f);
            JsonNode tree = Mutations.parse(text);
            MESSAGE_TREES.add(tree);
            MESSAGE_BODIES.add(Mutations.bytes(text));
            MESSAGE_BODIES.add(Mutations.bytes(tree.toString()));
        }
        JsonNode info = null;
        for (String line : Fixtures.read("tool-permission-approved.events.sse").split("\n")) {
            if (line.startsWith("data: ") && line.contains("\"session.updated\"")) {
                info = Mutations.parse(line.substring(6)).at("/properties/info");
            }
        }
        SESSION = info;
    }

    // ---- what inspect does with each body, after the HTTP layer

    /** Mirrors OpencodeClient.read: blank body, JSON and I/O errors are exit 6. */
    static <T> T body(Body body, Reader<T> reader) {
        try (InputStream in = body.open()) {
            InputStream json = OpencodeClient.nonBlank(in);
            if (json == null) {
                throw new OcsException(ExitCode.SERVER_ERROR, "empty answer");
            }
            return reader.read(json);
        } catch (JsonProcessingException e) {
            throw new OcsException(ExitCode.SERVER_ERROR, "unreadable answer: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new OcsException(ExitCode.SERVER_ERROR, "broke off: " + e.getMessage(), e);
        }
    }

    interface Reader<T> {
        T read(InputStream body) throws IOException;
    }

    static JsonNode tree(Body body) {
        return body(body, JsonBytes::tree);
    }

    /** A server's answer: bytes, or a stream generated as it is read (tens of MB that are never held whole). */
    interface Body {
        InputStream open();

        String preview();
    }

    static Body body(byte[] b) {
        return new Body() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(b);
            }

            @Override
            public String preview() {
                String s = new String(b, 0, Math.min(b.length, 600), StandardCharsets.UTF_8);
                return s.replace("\n", "\\n") + (b.length > 600 ? "… (" + b.length + " bytes)" : "");
            }
        };
    }

    /** The template with each '§' standing for {@code size} bytes of {@code fill}, generated while read. */
    static Body generated(String template, String fill, long size) {
        byte[] unit = fill.getBytes(StandardCharsets.UTF_8);
        return new Body() {
            @Override
            public InputStream open() {
                List<InputStream> parts = new ArrayList<>();
                String[] pieces = template.split("§", -1);
                for (int i = 0; i < pieces.length; i++) {
                    if (i > 0) {
                        parts.add(repeat(unit, size / unit.length));
                    }
                    parts.add(new ByteArrayInputStream(pieces[i].getBytes(StandardCharsets.UTF_8)));
                }
                return new SequenceInputStream(Collections.enumeration(parts));
            }

            @Override
            public String preview() {
                return template.replace("§", "<" + size + " bytes of '" + fill + "'>");
            }
        };
    }

    static InputStream repeat(byte[] unit, long times) {
        byte[] block = new byte[Math.max(1, 65536 / unit.length) * unit.length];
        for (int i = 0; i < block.length; i += unit.length) {
            System.arraycopy(unit, 0, block, i, unit.length);
        }
        return new InputStream() {
            long left = times * unit.length;
            int at;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, left), block.length - at);
                System.arraycopy(block, at, b, off, n);
                at = (at + n) % block.length;
                left -= n;
                return n;
            }
        };
    }

    /**
     * One inspect: the four answers, the diagnosis, the human report (plain and coloured) and the JSON report,
     * which must parse back.
     */
    static Outcome inspect(Body messages, Body status, Body permissions, Body session, Random r) {
        try {
            JsonNode s = tree(session);
            if (s == null || !s.isObject()) {
                throw new OcsException(ExitCode.SERVER_ERROR, "not an object");
            }
            SessionInfo info = SessionInfo.from(s);
            Status st = Status.of(tree(status), SID);
            List<Permission> perms = new ArrayList<>();
            for (Permission p : Permission.listFrom(tree(permissions))) {
                if (SID.equals(p.sessionID()) || r.nextBoolean()) {
                    perms.add(p);
                }
            }
            ReadOptions opt = new ReadOptions(r.nextInt(4) == 0, r.nextInt(3) == 0);
            List<Message> ms = body(messages, p -> MessageReader.read(p, opt));
            String expect = r.nextInt(4) == 0 ? "openai/gpt-5" : null;
            Diagnosis d = new Diagnosis("ocs", expect);
            if (r.nextInt(5) == 0) {
                d.withStreamErrors(List.of("UnknownError: x"));
            }
            Report report = render(info, st, ms, perms, d, opt);
            int code = report.exitCode();
            assertTrue(code == ExitCode.OK || code == ExitCode.FINDING || code == ExitCode.PERMISSION, "exit " + code);
            report.finalText();
            return Outcome.REPORT;
        } catch (OcsException e) {
            assertEquals(ExitCode.SERVER_ERROR, e.exitCode(), e.getMessage());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message");
            return Outcome.REFUSED;
        }
    }

    /** The report three ways (human without and with colour, JSON) from one diagnosis; the JSON must parse. */
    static Report render(SessionInfo info, Status st, List<Message> ms, List<Permission> perms, Diagnosis d,
                         ReadOptions opt) {
        StringWriter json = new StringWriter();
        Report report;
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(json)) {
            ReportView[] views = {new HumanReport(new PrintWriter(Writer.nullWriter()), new Style(false), opt),
                    new HumanReport(new PrintWriter(Writer.nullWriter()), new Style(true), opt), new JsonReport(g)};
            report = DiagnosisTest.report(info, st, ms, perms, d, new ReportView() {
                @Override
                public void head(String url, SessionInfo session, Status status, Waiting waiting) {
                    for (ReportView v : views) {
                        v.head(url, session, status, waiting);
                    }
                }

                @Override
                public void message(Message m) {
                    for (ReportView v : views) {
                        v.message(m);
                    }
                }

                @Override
                public void end(Report r) {
                    for (ReportView v : views) {
                        v.end(r);
                    }
                }
            });
        } catch (IOException e) {
            throw new AssertionError("writing the JSON report failed", e);
        }
        JsonNode back = Mutations.parse(json.toString());
        assertEquals(report.exitCode(), back.get("exitCode").asInt());
        assertEquals(ms.size(), back.get("messages").size());
        assertEquals(ms.size(), back.get("session").get("messageCount").asInt());
        return report;
    }

    static byte[] bytes(JsonNode n) {
        return Mutations.bytes(n.toString());
    }

    static final byte[] STATUS_BYTES = bytes(STATUS);
    static final byte[] PERMISSION_BYTES = bytes(PERMISSIONS);
    static byte[] sessionBytes() {
        return bytes(SESSION);
    }

    /** Runs one case; anything but a report or a clean exit-6 refusal fails with what reproduces it. */
    static void check(String kind, long seed, byte[] messages, byte[] status, byte[] permissions, byte[] session) {
        check(kind, seed, body(messages), body(status), body(permissions), body(session));
    }

    static void check(String kind, long seed, Body messages, Body status, Body permissions, Body session) {
        CASES.incrementAndGet();
        try {
            Outcome o = inspect(messages, status, permissions, session, new Random(seed));
            (o == Outcome.REPORT ? REPORTS : REFUSED).incrementAndGet();
        } catch (Throwable t) {
            fail(kind + " case, seed " + seed + ": " + t + "\nmessages: " + messages.preview() + "\nstatus: "
                    + status.preview() + "\npermissions: " + permissions.preview() + "\nsession: " + session.preview(),
                    t);
        }
    }

    // ---- the cases

    @Test
    void recordedBodiesGiveReports() {
        for (int i = 0; i < MESSAGE_BODIES.size(); i++) {
            assertEquals(Outcome.REPORT, inspect(body(MESSAGE_BODIES.get(i)), body(STATUS_BYTES),
                    body(PERMISSION_BYTES), body(sessionBytes()), new Random(i)));
        }
    }

    @Test
    void byteLevelDamageToMessages() {
        Random r = new Random(SEED);
        for (int i = 0; i < 4000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            byte[] base = MESSAGE_BODIES.get(c.nextInt(MESSAGE_BODIES.size()));
            byte[] m = c.nextInt(5) == 0 ? Mutations.truncate(base, c) : Mutations.byteLevel(base, c);
            check("byte-level", seed, m, STATUS_BYTES, PERMISSION_BYTES, sessionBytes());
        }
    }

    @Test
    void wrongTypesMissingFieldsAndMovedSubtreesInMessages() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < 3000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            JsonNode doc = MESSAGE_TREES.get(c.nextInt(MESSAGE_TREES.size()));
            check("structural", seed, bytes(Mutations.structural(doc, c, MESSAGE_TREES)), STATUS_BYTES,
                    PERMISSION_BYTES, sessionBytes());
        }
    }

    @Test
    void shuffledMessagesPartsAndFields() {
        Random r = new Random(SEED + 2);
        for (int i = 0; i < 500; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            JsonNode doc = MESSAGE_TREES.get(c.nextInt(MESSAGE_TREES.size()));
            check("shuffled", seed, bytes(Mutations.shuffled(doc, c)), bytes(Mutations.shuffled(STATUS, c)),
                    bytes(Mutations.shuffled(PERMISSIONS, c)), bytes(Mutations.shuffled(SESSION, c)));
        }
    }

    @Test
    void damagedStatusPermissionsAndSessionInfo() {
        Random r = new Random(SEED + 3);
        List<JsonNode> donors = new ArrayList<>(MESSAGE_TREES);
        donors.add(STATUS);
        donors.add(PERMISSIONS);
        donors.add(SESSION);
        for (int i = 0; i < 3000; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            byte[] status = STATUS_BYTES;
            byte[] perms = PERMISSION_BYTES;
            byte[] session = sessionBytes();
            switch (c.nextInt(6)) {
                case 0 -> status = Mutations.byteLevel(status, c);
                case 1 -> status = bytes(Mutations.structural(STATUS, c, donors));
                case 2 -> perms = Mutations.byteLevel(perms, c);
                case 3 -> perms = bytes(Mutations.structural(PERMISSIONS, c, donors));
                case 4 -> session = Mutations.byteLevel(session, c);
                default -> session = bytes(Mutations.structural(SESSION, c, donors));
            }
            byte[] messages = MESSAGE_BODIES.get(c.nextInt(MESSAGE_BODIES.size()));
            check("status/permission/session", seed, messages, status, perms, session);
        }
    }

    @Test
    void noise() {
        Random r = new Random(SEED + 4);
        for (int i = 0; i < 1500; i++) {
            long seed = r.nextLong();
            Random c = new Random(seed);
            int n = c.nextInt(4) == 0 ? c.nextInt(8) : c.nextInt(3000);
            byte[] noise = switch (i % 3) {
                case 0 -> Mutations.randomBytes(c, n);
                case 1 -> Mutations.jsonish(c, n);
                default -> Mutations.bytes(Mutations.oddValue(c).toString());
            };
            int where = c.nextInt(4);
            check("noise", seed, where == 0 ? noise : MESSAGE_BODIES.get(0), where == 1 ? noise : STATUS_BYTES,
                    where == 2 ? noise : PERMISSION_BYTES, where == 3 ? noise : sessionBytes());
        }
    }

    @Test
    void deepNesting() {
        long seed = SEED + 5;
        for (byte[] deep : List.of(Mutations.deepArrays(100_000), Mutations.openArrays(100_000),
                Mutations.deepObjects(100_000), Mutations.bytes("[" + "{\"info\":".repeat(50_000)))) {
            check("deep", seed, deep, STATUS_BYTES, PERMISSION_BYTES, sessionBytes());
            check("deep", seed, MESSAGE_BODIES.get(0), deep, PERMISSION_BYTES, sessionBytes());
            check("deep", seed, MESSAGE_BODIES.get(0), STATUS_BYTES, deep, sessionBytes());
            check("deep", seed, MESSAGE_BODIES.get(0), STATUS_BYTES, PERMISSION_BYTES, deep);
        }
        for (String where : List.of("info", "part", "tool-input")) {
            for (int depth : new int[] {100, 1_000, 1_990, 2_010, 50_000}) {
                check("deep " + where + " " + depth, seed, Mutations.bytes(Mutations.nestedIn(where, depth)),
                        STATUS_BYTES, PERMISSION_BYTES, sessionBytes());
            }
        }
    }

    /** Tens of MB in one string, wherever the server may put one; generated as read, never held whole. */
    @Test
    void hugeStrings() {
        long huge = 24L << 20;
        String asst = "{\"id\":\"msg_2\",\"sessionID\":\"" + SID + "\",\"role\":\"assistant\",\"parentID\":\"msg_1\","
                + "\"time\":{\"created\":1,\"completed\":2},\"finish\":\"stop\",\"providerID\":\"p\",\"modelID\":\"m\"";
        List<String> docs = List.of(
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"text\",\"text\":\"§\"}]}]",
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"reasoning\",\"text\":\"§\"}]}]",
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"tool\",\"tool\":\"bash\",\"state\":{\"status\":"
                        + "\"completed\",\"output\":\"§\",\"input\":{\"command\":\"§\"}}}]}]",
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"tool\",\"tool\":\"bash\",\"state\":{\"status\":"
                        + "\"error\",\"error\":\"§\"}}]}]",
                "[{\"info\":" + asst + ",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"§\","
                        + "\"statusCode\":500}}},\"parts\":[]}]",
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"file\",\"url\":\"data:§\"},"
                        + "{\"type\":\"file\",\"url\":\"https://§\",\"filename\":\"§\"}]}]",
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"patch\",\"files\":[\"§\"]},"
                        + "{\"type\":\"retry\",\"attempt\":1,\"error\":{\"name\":\"§\"}}]}]",
                "[{\"info\":{\"id\":\"§\",\"role\":\"§\"},\"parts\":[{\"type\":\"§\"}]}]",
                "[{\"info\":" + asst + "},\"parts\":[{\"type\":\"novel\",\"§\":1}]}]");
        long seed = SEED + 6;
        Body status = body(STATUS_BYTES);
        Body perms = body(PERMISSION_BYTES);
        Body session = body(sessionBytes());
        for (String d : docs) {
            check("huge", seed, generated(d, "x", huge), status, perms, session);
            // past the 4 MiB cap too, where the cut meets escapes and multi-byte characters
            check("huge, with spaces, escapes and UTF-8", seed, generated(d, "line of text, \\\"é\\\" \\n\\u00e9 ",
                    6L << 20), status, perms, session);
        }
        Body messages = body(MESSAGE_BODIES.get(8));
        check("huge status", seed, messages, generated("{\"" + SID + "\":{\"type\":\"retry\",\"attempt\":1,"
                + "\"message\":\"§\"}}", "x", huge), perms, session);
        check("huge permission", seed, messages, status, generated("[{\"id\":\"per_1\",\"sessionID\":\"" + SID
                + "\",\"permission\":\"§\",\"patterns\":[\"§\"]}]", "x", huge), session);
        check("huge session", seed, messages, status, perms, generated("{\"id\":\"" + SID + "\",\"title\":\"§\","
                + "\"directory\":\"§\"}", "x", huge));
    }

    @AfterAll
    static void summary() {
        System.out.printf("FuzzParserTest: %d cases (%d reports, %d refused with exit 6) in %.1f s%n", CASES.get(),
                REPORTS.get(), REFUSED.get(), (System.nanoTime() - STARTED) / 1e9);
    }
}

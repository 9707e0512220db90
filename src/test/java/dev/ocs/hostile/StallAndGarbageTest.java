package dev.ocs.hostile;

import dev.ocs.ExitCode;
import dev.ocs.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Servers that accept and never answer, stall, break off, or send what is not opencode's JSON. */
@Timeout(30)
class StallAndGarbageTest {

    static Cli.Result inspect(RawServer s, String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "--request-timeout";
        args[1] = "1";
        args[2] = "inspect";
        args[3] = "ses_abc";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return Cli.withUrl(s.url()).run(args);
    }

    static void oneCleanLine(Cli.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace:\n" + r);
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r);
        assertTrue(r.err().startsWith("ocs: "), r.err());
    }

    @Test
    void acceptsAndNeverAnswersIsATimeout() throws Exception {
        try (RawServer s = new RawServer((line, out) -> Thread.sleep(60_000))) {
            Cli.Result r = inspect(s);
            assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
            oneCleanLine(r);
        }
    }

    @Test
    void headersThenSilenceIsATimeoutNotAHang() throws Exception {
        try (RawServer s = new RawServer((line, out) -> {
            RawServer.head(out, 200, "application/json", 1000);
            out.write("{\"id\":".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(60_000);
        })) {
            Cli.Result r = inspect(s);
            assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
            assertTrue(r.err().contains("stalled"), r.err());
            oneCleanLine(r);
            Thread.sleep(300);
            assertFalse(Thread.interrupted(), "the guard leaves no interrupt behind on the caller's thread");
        }
    }

    @Test
    void aSlowButSteadyBodyStillArrives() throws Exception {
        String body = "{\"healthy\":true,\"version\":\"1.18.33\"}";
        try (RawServer s = new RawServer((line, out) -> {
            RawServer.head(out, 200, "application/json", body.length());
            for (byte b : body.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(40); // 1.5 s in all, more than the 1 s limit, but never 1 s without a byte
            }
        })) {
            Cli.Result r = Cli.withUrl(s.url()).run("--request-timeout", "1", "serve-check");
            assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        }
    }

    @Test
    void aBodyThatBreaksOffIsUnreadable() throws Exception {
        try (RawServer s = new RawServer((line, out) -> {
            RawServer.head(out, 200, "application/json", 5000);
            out.write("{\"id\":\"ses_abc\",\"title\":\"cut".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            Cli.Result r = inspect(s);
            assertEquals(ExitCode.SERVER_ERROR, r.exitCode(), r.toString());
            oneCleanLine(r);
        }
    }

    @Test
    void htmlEmptyAndWrongShapesAreExit6() throws Exception {
        String[][] answers = {
            {"text/html", "<!doctype html><title>opencode</title>"},
            {"application/json", ""},
            {"application/json", "42"},
            {"application/json", "null"},
            {"application/json", "[1,2,3]"},
            {"application/json", "{\"id\": {\"nested\": [true]}}"},
        };
        for (String[] a : answers) {
            try (RawServer s = new RawServer((line, out) -> {
                byte[] b = a[1].getBytes(StandardCharsets.UTF_8);
                RawServer.head(out, 200, a[0], b.length);
                out.write(b);
                out.flush();
            })) {
                Cli.Result r = inspect(s);
                assertTrue(r.exitCode() == ExitCode.SERVER_ERROR || r.exitCode() == ExitCode.OK
                        || r.exitCode() == ExitCode.FINDING, a[1] + ": " + r);
                assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), a[1] + ": " + r);
                if (r.exitCode() == ExitCode.SERVER_ERROR) oneCleanLine(r);
            }
        }
    }

    @Test
    void anEventStreamOfGarbageThatStallsEndsTheWaitByTheTimeout() throws Exception {
        try (RawServer s = new RawServer((line, out) -> {
            if (line.startsWith("GET /event")) {
                RawServer.head(out, 200, "text/event-stream", -1);
                out.write("data: {not json\n\n: comment\n\ngarbage line\ndata: [1,2\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(60_000);
            } else if (line.startsWith("POST /session ") || line.startsWith("GET /session/ses_abc ")) {
                byte[] b = "{\"id\":\"ses_abc\"}".getBytes(StandardCharsets.US_ASCII);
                RawServer.head(out, 200, "application/json", b.length);
                out.write(b);
            } else if (line.startsWith("POST")) {
                RawServer.head(out, 204, "application/json", 0);
            } else if (line.startsWith("GET /session/status")) {
                byte[] b = "{\"ses_abc\":{\"type\":\"busy\"}}".getBytes(StandardCharsets.US_ASCII);
                RawServer.head(out, 200, "application/json", b.length);
                out.write(b);
            } else {
                RawServer.head(out, 200, "application/json", 2);
                out.write("[]".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        })) {
            Cli.Result r = Cli.withUrl(s.url()).run("send", "--wait", "--timeout", "3s", "hello");
            assertEquals(ExitCode.TIMEOUT, r.exitCode(), r.toString());
            assertTrue(r.err().contains("abort ses_abc"), "says how to stop it: " + r.err());
            assertFalse(r.err().contains("\tat "), r.toString());
        }
    }
}

package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.bench.SessionServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stdout that cannot be written: a reader that went away ({@code | head}) or a full disk. */
class StdoutFailureTest {
    @TempDir
    static Path dir;
    static SessionServer server;

    @BeforeAll
    static void serve() throws IOException {
        server = new SessionServer("pw");
        Path session = dir.resolve("ses_out.json");
        SessionServer.generate(session, "ses_out", 256);
        server.add("ses_out", session);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Takes {@code room} bytes, then fails every write as the OS would. */
    static final class Closing extends OutputStream {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        private final int room;
        private final String error;

        Closing(int room, String error) {
            this.room = room;
            this.error = error;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int fits = Math.min(len, room - taken.size());
            taken.write(b, off, fits);
            if (fits < len) {
                throw new IOException(error);
            }
        }
    }

    record Run(int code, String err) {}

    static Run inspect(OutputStream stdout, String... extra) {
        StringWriter err = new StringWriter();
        Services s = new Services(Map.of("OCS_URL", server.url(), "OPENCODE_SERVER_PASSWORD", "pw"), stdout,
                new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), false, false);
        String[] args = new String[extra.length + 2];
        args[0] = "inspect";
        args[1] = "ses_out";
        System.arraycopy(extra, 0, args, 2, extra.length);
        return new Run(OcsCommand.run(s, args), err.toString());
    }

    @Test
    void aReaderThatStopsReadingEndsTheRunQuietlyWithItsOwnExitCode() {
        for (String[] extra : new String[][] {{}, {"--json"}}) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            Run normal = inspect(whole, extra);
            assertTrue(whole.size() > 64 * 1024, "a report larger than the pipe takes: " + whole.size());

            Closing head = new Closing(4096, "Broken pipe");
            Run cut = inspect(head, extra);
            assertEquals(normal.code(), cut.code(), "the run's own exit code");
            assertEquals(normal.err(), cut.err(), "nothing more on stderr: no stack trace, no error line");
            assertEquals(4096, head.taken.size(), "what the reader took");
        }
    }

    @Test
    void aFullDiskIsAFailedRunWithOneLine() {
        Closing full = new Closing(4096, "No space left on device");
        Run r = inspect(full);
        assertEquals(ExitCode.FINDING, r.code(), r.err());
        assertTrue(r.err().endsWith("ocs: cannot write the output to stdout (No space left on device)\n"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("ocs: cannot write")).count(), r.err());
    }
}

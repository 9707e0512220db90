package dev.ocs.cli;

import dev.ocs.Fork;
import dev.ocs.RawServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ctrl-C: ocs in its own JVM gets SIGINT (kill -INT; Process.destroy() only sends SIGTERM) while it waits on a
 * server, and exits 130 at once, without a stack trace and without aborting the session.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalsTest {
    static final String SID = "ses_sig1";

    /** A process started with SIGINT ignored (a background job without job control) keeps ignoring it. */
    @BeforeAll
    static void sigintIsDeliverable() throws IOException {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.exists(status), "Linux: kill(1) and /proc");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                assumeFalse((ignored & (1L << 1)) != 0, "SIGINT is ignored in this process, so in its children too");
            }
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting: " + what);
            }
            Thread.sleep(20);
        }
    }

    static void assertNoStackTrace(Fork f) {
        assertFalse(f.err().contains("\tat "), f.toString());
        assertFalse(f.err().contains("Exception"), f.toString());
    }

    @Test
    void ctrlCDuringSendWaitExits130AndLeavesTheSessionRunning() throws Exception {
        AtomicInteger statusCalls = new AtomicInteger();
        AtomicInteger eventConnections = new AtomicInteger();
        try (RawServer server = new RawServer(x -> {
            switch (x.method() + " " + x.path()) {
                case "POST /session" -> x.json(200, "{\"id\":\"" + SID + "\"}");
                case "POST /session/" + SID + "/prompt_async" -> x.head(204, null, 0);
                case "GET /permission" -> x.json(200, "[]");
                case "GET /session/status" -> {
                    statusCalls.incrementAndGet();
                    x.json(200, "{\"" + SID + "\":{\"type\":\"busy\"}}");
                }
                case "GET /event" -> {
                    x.head(200, "text/event-stream", -1);
                    x.write("data: {\"type\":\"server.connected\",\"properties\":{}}\n\n");
                    // The first stream drops: the wait reconnects and asks the status, so the server sees when
                    // ocs is inside the wait. The second stays open for good.
                    if (eventConnections.incrementAndGet() > 1) {
                        x.hang();
                    }
                }
                default -> x.json(404, "{\"name\":\"NotFoundError\"}");
            }
        })) {
            Fork f = Fork.start(List.of(), Map.of(), "--url", server.url(), "send", "--wait", "hi");
            await(() -> statusCalls.get() >= 2 && eventConnections.get() >= 2 || !f.process().isAlive(),
                    "ocs waiting on the run\n" + f);
            assertTrue(f.process().isAlive(), "still waiting\n" + f);
            f.signal("INT");
            int code = f.await(10);
            assertEquals(130, code, "exit 130 on Ctrl-C\n" + f);
            assertNoStackTrace(f);
            assertTrue(f.err().contains("stopped waiting; " + SID + " is still running. Stop it with: ocs --url "
                    + server.url() + " abort " + SID), f.toString());
            assertTrue(server.requests().stream().noneMatch(r -> r.path().endsWith("/abort")),
                    "Ctrl-C does not abort the session: " + server.requests());
        }
    }

    @Test
    void ctrlCDuringInspectOfAServerThatNeverAnswersExits130() throws Exception {
        try (RawServer server = new RawServer(RawServer.Exchange::hang)) {
            Fork f = Fork.start(List.of(), Map.of(), "--url", server.url(), "inspect", SID);
            assertTrue(server.awaitRequest(20), "ocs asked\n" + f);
            f.signal("INT");
            int code = f.await(10);
            assertEquals(130, code, "exit 130 on Ctrl-C\n" + f);
            assertNoStackTrace(f);
            assertEquals("", f.out(), f.toString());
            assertTrue(server.requests().stream().noneMatch(r -> r.method().equals("POST")), server.requests().toString());
        }
    }
}

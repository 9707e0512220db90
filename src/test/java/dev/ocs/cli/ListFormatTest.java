package dev.ocs.cli;

import dev.ocs.serve.DoctorAccess;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small formats list prints, and which hosts doctor counts as local model servers. */
class ListFormatTest {
    @Test
    void relativeTimesCountsAndCosts() {
        long now = 1_800_000_000_000L;
        assertEquals("5s ago", ListCommand.ago(now - 5_000, now));
        assertEquals("3m ago", ListCommand.ago(now - 200_000, now));
        assertEquals("2h ago", ListCommand.ago(now - 7_300_000, now));
        assertEquals("6d ago", ListCommand.ago(now - 6 * 86_400_000L, now));
        assertEquals("2027-01-05", ListCommand.ago(java.time.Instant.parse("2027-01-05T12:00:00Z").toEpochMilli(),
                java.time.Instant.parse("2027-02-01T00:00:00Z").toEpochMilli()), "a week or older: the date");
        assertEquals("-", ListCommand.ago(null, now));
        assertEquals("0s ago", ListCommand.ago(now + 5_000, now), "a clock a little ahead is not the future");
        assertEquals("999", ListCommand.count(999));
        assertEquals("8.1k", ListCommand.count(8_107));
        assertEquals("2.5M", ListCommand.count(2_500_000));
        assertEquals("$0", ListCommand.cost(0.0));
        assertEquals("$0.0012", ListCommand.cost(0.00123));
        assertEquals("$1.50", ListCommand.cost(1.5));
        assertEquals("-", ListCommand.cost(null));
    }

    @Test
    void localHosts() {
        for (String h : new String[] {"localhost", "127.0.0.1", "::1", "[::1]", "10.1.2.3", "192.168.0.7", "172.16.0.1",
                "172.31.255.1", "gpu.local", "host.docker.internal"}) {
            assertTrue(DoctorAccess.isLocal(h), h);
        }
        for (String h : new String[] {"api.openai.com", "172.32.0.1", "8.8.8.8", "11.0.0.1"}) {
            assertFalse(DoctorAccess.isLocal(h), h);
        }
    }
}

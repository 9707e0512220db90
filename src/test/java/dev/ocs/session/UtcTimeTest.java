package dev.ocs.session;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** UtcTime writes exactly what java.time's formatters write, over the whole range of epoch milliseconds. */
class UtcTimeTest {
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    static void same(long ms) {
        Instant t = Instant.ofEpochMilli(ms);
        assertEquals(DATE_TIME.format(t), UtcTime.dateTime(ms), "dateTime(" + ms + ")");
        assertEquals(TIME.format(t), UtcTime.time(ms), "time(" + ms + ")");
        assertEquals(DateTimeFormatter.ISO_LOCAL_DATE.format(t.atOffset(ZoneOffset.UTC)), UtcTime.date(ms),
                "date(" + ms + ")");
    }

    @Test
    void edgesOfDaysMonthsLeapYearsAndTheRange() {
        long[] edges = {0, 1, 999, 1000, 86_399_999L, 86_400_000L, 951_782_400_000L /* 2000-02-29 */,
            951_868_799_999L, 4_107_542_400_000L /* 2100-03-01 */, 1_764_000_000_000L, 253_402_300_799_999L,
            253_402_300_800_000L, -1, -86_400_001L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long ms : edges) {
            same(ms);
        }
    }

    @Test
    void everyDayFrom1970To2200AndRandomInstants() {
        for (long day = 0; day < 84_000; day++) {
            same(day * 86_400_000L + day % 86_400 * 1000 + day % 1000);
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            same(r.nextLong(-300_000_000_000_000L, 300_000_000_000_000L));
        }
    }
}

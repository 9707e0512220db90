package dev.ocs.session;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as ocs prints them, in UTC: {@code 2026-11-23 19:56:13Z}, {@code 19:56:13Z}, {@code 2026-11-23}. Worked out
 * from the epoch milliseconds directly: java.time's formatter costs a small call some 50 classes to load and, in a
 * cold JVM, a few milliseconds per thousand messages of a report. A date outside the years 1970 to 9999 (a damaged
 * timestamp) is left to java.time, which writes it as before.
 */
public final class UtcTime {
    private static final long DAY = 86_400_000L;
    /** 10000-01-01T00:00:00Z */
    private static final long END = 253_402_300_800_000L;

    private UtcTime() {}

    /** {@code yyyy-MM-dd HH:mm:ssZ} */
    public static String dateTime(long ms) {
        if (ms < 0 || ms >= END) {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochMilli(ms));
        }
        StringBuilder sb = new StringBuilder(20);
        date(sb, ms);
        sb.append(' ');
        time(sb, ms);
        return sb.toString();
    }

    /** {@code HH:mm:ssZ}, for any instant. */
    public static String time(long ms) {
        StringBuilder sb = new StringBuilder(9);
        time(sb, ms);
        return sb.toString();
    }

    /** {@code yyyy-MM-dd} (ISO). */
    public static String date(long ms) {
        if (ms < 0 || ms >= END) {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
        }
        StringBuilder sb = new StringBuilder(10);
        date(sb, ms);
        return sb.toString();
    }

    private static void time(StringBuilder sb, long ms) {
        long s = Math.floorMod(ms, DAY) / 1000;
        two(sb, s / 3600).append(':');
        two(sb, s / 60 % 60).append(':');
        two(sb, s % 60).append('Z');
    }

    /** The civil date of a day count (H. Hinnant's days_from_civil, inverted), for 1970 to 9999. */
    private static void date(StringBuilder sb, long ms) {
        long z = ms / DAY + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        sb.append(year).append('-');
        two(sb, month).append('-');
        two(sb, day);
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}

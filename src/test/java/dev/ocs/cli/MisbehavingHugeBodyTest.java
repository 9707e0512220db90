package dev.ocs.cli;

import dev.ocs.Fork;
import dev.ocs.RawServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that answers hundreds of MB: one message whose text part is a single 300 MB JSON string, generated on
 * the fly. ocs runs in its own JVM with a 64 MB heap; it must finish (the string trimmed and marked) with no
 * OutOfMemoryError. The peak heap is read from the child's GC log and printed, as a figure, not an assertion.
 */
class MisbehavingHugeBodyTest {
    static final String SID = "ses_huge1";
    /** Whole escapes and characters only: the string stays valid JSON all the way. */
    static final byte[] CHUNK = "the quick brown fox jumps over the lazy dog, é \\\"quoted\\\" \\n ".repeat(1000)
            .getBytes(StandardCharsets.UTF_8);
    static final long TEXT_BYTES = (300L << 20) / CHUNK.length * CHUNK.length;

    @Test
    void aThreeHundredMegabyteStringIsReadWithA64MbHeap(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String head = "[{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"" + SID + "\",\"role\":\"user\",\"time\":{\"created\":1},"
                + "\"model\":{\"providerID\":\"p\",\"modelID\":\"m\"}},\"parts\":[{\"id\":\"prt_1\",\"type\":\"text\","
                + "\"text\":\"hi\"}]},{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"" + SID + "\",\"role\":\"assistant\","
                + "\"parentID\":\"msg_1\",\"providerID\":\"p\",\"modelID\":\"m\",\"finish\":\"stop\",\"time\":{\"created\":1,"
                + "\"completed\":2},\"tokens\":{\"input\":10,\"output\":20,\"reasoning\":0,\"cache\":{\"read\":0,"
                + "\"write\":0}}},\"parts\":[{\"id\":\"prt_2\",\"type\":\"text\",\"text\":\"";
        String tail = "\"}]}]";
        AtomicLong sent = new AtomicLong();
        try (RawServer server = new RawServer(x -> {
            switch (x.method() + " " + x.path()) {
                case "GET /session/" + SID -> x.json(200, "{\"id\":\"" + SID + "\",\"title\":\"huge\"}");
                case "GET /session/status" -> x.json(200, "{}");
                case "GET /permission" -> x.json(200, "[]");
                case "GET /session/" + SID + "/message" -> {
                    byte[] h = head.getBytes(StandardCharsets.UTF_8);
                    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
                    x.head(200, "application/json", h.length + TEXT_BYTES + t.length);
                    OutputStream out = x.out();
                    out.write(h);
                    long left = TEXT_BYTES;
                    while (left > 0) {
                        out.write(CHUNK);
                        left -= CHUNK.length;
                        sent.addAndGet(CHUNK.length);
                    }
                    out.write(t);
                    out.flush();
                }
                default -> x.json(404, "{\"name\":\"NotFoundError\"}");
            }
        })) {
            Path gc = tmp.resolve("gc.log");
            Fork f = Fork.start(List.of("-Xmx64m", "-Xlog:gc:file=" + gc), Map.of(),
                    "--url", server.url(), "inspect", SID);
            int code = f.await(120);
            assertNotEquals(-1, code, "inspect did not finish in 120 s\n" + f);
            assertFalse(f.err().contains("OutOfMemoryError"), f.toString());
            assertFalse(f.err().contains("\tat "), f.toString());
            assertEquals(0, code, f.toString());
            assertEquals(TEXT_BYTES, sent.get(), "the whole body was sent and read");
            assertTrue(f.out().contains("text: the quick brown fox"), f.toString());
            assertTrue(f.out().contains("more characters; --full shows"), f.toString());
            System.out.printf("MisbehavingHugeBodyTest: 300 MB string, -Xmx64m, exit %d, peak heap %s%n", code,
                    peakHeap(gc));
        }
    }

    /**
     * From a -Xlog:gc log ("GC(3) Pause Young (Normal) … 40M->5M(64M)"): the fullest the heap was when a collection
     * started, and the most that was still live after one.
     */
    static String peakHeap(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return "unknown (no GC log)";
        }
        Matcher m = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)").matcher(Files.readString(gcLog));
        double before = 0;
        double after = 0;
        int gcs = 0;
        while (m.find()) {
            gcs++;
            before = Math.max(before, mb(m.group(1), m.group(2)));
            after = Math.max(after, mb(m.group(3), m.group(4)));
        }
        return gcs == 0 ? "below the first collection" : String.format(java.util.Locale.ROOT,
                "%.0f MB at most before a GC, %.0f MB at most live after one (%d GCs)", before, after, gcs);
    }

    private static double mb(String n, String unit) {
        double v = Double.parseDouble(n);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}

package dev.ocs.http;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Trims every JSON string in a byte stream to a cap, before the parser sees it. Jackson holds a string whole
 * while it reads it, so a server's 300 MB text part would need 600 MB of heap; here the bytes past the cap are
 * skipped as they stream by and the string ends with a marker instead: {@code … [ocs skipped N bytes]}. The
 * result is still valid JSON: strings are cut only before an escape or a UTF-8 lead byte, never inside one.
 * It tracks only whether it is inside a string (quotes, backslash escapes; a raw newline ends a string, since
 * JSON strings cannot hold one), so it does not depend on the document being valid: the parser judges that.
 */
final class CappedStrings extends InputStream {
    private final InputStream in;
    private final int cap;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int len;
    private byte[] pending;
    private int pendingPos;

    private boolean inString;
    private boolean escape;
    private int hexLeft;
    private long kept;
    private boolean dropping;
    private long dropped;

    CappedStrings(InputStream in, int cap) {
        this.in = in;
        this.cap = cap;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        if (n == 0) {
            return 0;
        }
        int out = 0;
        while (out < n) {
            if (pending != null) {
                int k = Math.min(n - out, pending.length - pendingPos);
                System.arraycopy(pending, pendingPos, b, off + out, k);
                out += k;
                pendingPos += k;
                if (pendingPos == pending.length) {
                    pending = null;
                }
                continue;
            }
            if (pos == len) {
                if (out > 0) {
                    return out; // what we have, without blocking for more
                }
                int r = in.read(buf, 0, buf.length);
                if (r < 0) {
                    return -1;
                }
                pos = 0;
                len = r;
                continue;
            }
            int run = run(b, off + out, n - out);
            if (run >= 0) {
                out += run;
                if (pos == len || out == n) {
                    continue;
                }
            }
            byte c = buf[pos++];
            if (!inString) {
                if (c == '"') {
                    inString = true;
                    kept = 0;
                }
                b[off + out++] = c;
            } else if (dropping) {
                if (escape) {
                    escape = false;
                    dropped++;
                } else if (c == '\\') {
                    escape = true;
                    dropped++;
                } else if (c == '"' || c == '\n') {
                    pending = marker(c);
                    pendingPos = 0;
                    inString = false;
                    dropping = false;
                } else {
                    dropped++;
                }
            } else if (escape) {
                escape = false;
                hexLeft = c == 'u' ? 4 : 0;
                b[off + out++] = c;
                kept++;
            } else if (hexLeft > 0) {
                hexLeft--;
                b[off + out++] = c;
                kept++;
            } else if (c == '"' || c == '\n') {
                inString = false;
                b[off + out++] = c;
            } else if (kept >= cap && (c & 0xC0) != 0x80) {
                // At the cap, and at the start of a character or an escape: skip from here to the string's end.
                dropping = true;
                escape = c == '\\';
                dropped = 1;
            } else {
                escape = c == '\\';
                b[off + out++] = c;
                kept++;
            }
        }
        return out;
    }

    /**
     * The fast path: copies (or, past the cap, skips) a run of plain bytes in one go, up to the next byte that
     * changes state, the end of what is buffered, or {@code room}. Returns the bytes copied, or -1 when the next
     * byte needs the byte-by-byte rules (inside an escape).
     */
    private int run(byte[] b, int at, int room) {
        int p = pos;
        if (dropping) {
            if (escape) {
                return -1;
            }
            p = plain(buf, p, len, true);
            dropped += p - pos;
            pos = p;
            return 0;
        }
        if (!inString) {
            p = plain(buf, p, Math.min(len, pos + room), false);
        } else if (!escape && hexLeft == 0 && kept < cap) {
            p = plain(buf, p, (int) Math.min(len, Math.min((long) pos + room, pos + (cap - kept))), true);
            kept += p - pos;
        } else {
            return -1;
        }
        int copied = p - pos;
        System.arraycopy(buf, pos, b, at, copied);
        pos = p;
        return copied;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long NEWLINES = ONES * '\n';

    /**
     * The index of the first byte from {@code p} that changes state: a quote, or (in a string) also a backslash or
     * a newline; {@code limit} if none. This loop sees every byte of a body, so it tests eight at a time (a byte
     * equals c where {@code word ^ c*ONES} has a zero byte; the lowest such byte is found exactly), which the
     * short-lived JVM's C1 compiler runs about 5x faster than a byte-by-byte loop.
     */
    static int plain(byte[] b, int p, int limit, boolean inString) {
        while (p + 8 <= limit) {
            long w = (long) LONGS.get(b, p);
            long hits = zeroByte(w ^ QUOTES) | (inString ? zeroByte(w ^ BACKSLASHES) | zeroByte(w ^ NEWLINES) : 0);
            if (hits != 0) {
                return p + (Long.numberOfTrailingZeros(hits) >>> 3);
            }
            p += 8;
        }
        while (p < limit && !(b[p] == '"' || inString && (b[p] == '\\' || b[p] == '\n'))) {
            p++;
        }
        return p;
    }

    /** The high bit of each zero byte of x (and maybe of bytes above the lowest zero byte, which callers ignore). */
    private static long zeroByte(long x) {
        return (x - ONES) & ~x & 0x8080808080808080L;
    }

    private byte[] marker(byte end) {
        byte[] m = (" … [ocs skipped " + dropped + " bytes]").getBytes(StandardCharsets.UTF_8);
        byte[] withEnd = java.util.Arrays.copyOf(m, m.length + 1);
        withEnd[m.length] = end;
        return withEnd;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

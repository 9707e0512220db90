package dev.ocs.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the JSON of a server's answer straight from its UTF-8 bytes as it streams, into the trees {@link Json#tree}
 * makes. For the one answer that can be tens of MB, a session's messages, it can also keep only the start of a
 * string and count the rest ({@link #string(int, int)}), so the long texts a report trims are never decoded whole.
 * Jackson's parser decodes every string into a char array and then copies that into a String: on a short-lived
 * JVM's C1 code, more than half the time of reading a 50 MB session.
 *
 * <p>Strict like Jackson: the JSON grammar, no control characters inside strings, nesting up to
 * {@value #MAX_DEPTH}; a fault is a {@link Malformed}. Bytes that are not valid UTF-8 become U+FFFD, as Java
 * decodes them, but never swallow a quote. Every string is capped at {@link Json#STRING_CAP} bytes, marked
 * {@code … [ocs skipped N bytes]}: one server string cannot take more memory than that, however long it is.
 */
public final class JsonBytes {
    static final int MAX_DEPTH = 2_000;
    private static final int MAX_NUMBER = 1_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final InputStream in;
    private final int cap;
    private final byte[] buf;
    private int pos;
    private int lim;
    private long offset; // bytes of the body before buf[0]
    private boolean eof;

    public JsonBytes(InputStream in) {
        this(in, Json.STRING_CAP);
    }

    JsonBytes(InputStream in, int cap) {
        this(in, cap, 64 * 1024);
    }

    private JsonBytes(InputStream in, int cap, int buffer) {
        this.in = in;
        this.cap = cap;
        this.buf = new byte[buffer];
    }

    /** The value a body starts with, as a tree (what follows it is not read). */
    public static JsonNode tree(InputStream body) throws IOException {
        return new JsonBytes(body).value(0);
    }

    /** A whole small document (an error body, an event) as a tree, null when blank; content after it is an error. */
    public static JsonNode whole(byte[] json) throws IOException {
        int buffer = Math.max(64, Math.min(json.length, 64 * 1024));
        JsonBytes j = new JsonBytes(new ByteArrayInputStream(json), Json.STRING_CAP, buffer);
        if (j.peek() < 0) {
            return null;
        }
        JsonNode n = j.value(0);
        if (j.peek() >= 0) {
            throw j.unexpected(j.peek(), "nothing after the value");
        }
        return n;
    }

    /** A string that was not kept whole: its start, and what the whole string was. */
    public static final class LongText extends TextNode {
        /** Length of the whole string, in chars (UTF-16 units, as {@link String#length}). */
        public final int chars;
        /** Whether the whole string is blank ({@link String#isBlank}). */
        public final boolean blank;

        LongText(String start, int chars, boolean blank) {
            super(start);
            this.chars = chars;
            this.blank = blank;
        }
    }

    /** What is wrong with a body, where; the client reports it as an unreadable answer (exit 6). */
    public static final class Malformed extends JsonProcessingException {
        Malformed(String message) {
            super(message);
        }
    }

    // ---- structure

    /** The next byte that is not white space, not consumed; -1 at the end of the body. */
    public int peek() throws IOException {
        while (true) {
            if (pos == lim && !fill(1)) {
                return -1;
            }
            byte c = buf[pos];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return c & 0xff;
            }
        }
    }

    /** Consumes {@code c}, the next byte that is not white space, or fails. */
    public void expect(char c) throws IOException {
        int got = peek();
        if (got != c) {
            throw unexpected(got, "'" + c + "'");
        }
        pos++;
    }

    /** Consumes the next byte if it is {@code c}; false (nothing consumed) otherwise. */
    public boolean consume(char c) throws IOException {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * In an object just opened ({@code first}) or after a field's value: the next field's name, with its colon
     * consumed, or null when the object ends (its brace consumed).
     */
    public String field(boolean first) throws IOException {
        if (consume('}')) {
            return null;
        }
        if (!first) {
            expect(',');
        }
        expect('"');
        String name = text();
        expect(':');
        return name;
    }

    /** In an array just opened ({@code first}) or after an element: whether another element follows. */
    public boolean element(boolean first) throws IOException {
        if (consume(']')) {
            return false;
        }
        if (!first) {
            expect(',');
        }
        return true;
    }

    // ---- values

    /** The next value as a tree; strings whole up to the cap. {@code depth}: containers already open. */
    public JsonNode value(int depth) throws IOException {
        int c = peek();
        switch (c) {
            case '{': {
                pos++;
                checkDepth(depth + 1);
                ObjectNode o = NODES.objectNode();
                for (String name = field(true); name != null; name = field(false)) {
                    o.set(name, value(depth + 1));
                }
                return o;
            }
            case '[': {
                pos++;
                checkDepth(depth + 1);
                ArrayNode a = NODES.arrayNode();
                for (boolean first = true; element(first); first = false) {
                    a.add(value(depth + 1));
                }
                return a;
            }
            case '"':
                pos++;
                return NODES.textNode(text());
            case 't':
                literal("true");
                return NODES.booleanNode(true);
            case 'f':
                literal("false");
                return NODES.booleanNode(false);
            case 'n':
                literal("null");
                return NODES.nullNode();
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw unexpected(c, "a value");
        }
    }

    /**
     * The next value, a string kept up to {@code keep} chars (a {@link LongText} when it is longer); any other
     * value as {@link #value} reads it.
     */
    public JsonNode string(int keep, int depth) throws IOException {
        if (peek() != '"') {
            return value(depth);
        }
        pos++;
        return text(keep);
    }

    private static void checkDepth(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void literal(String word) throws IOException {
        fill(word.length());
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= lim || buf[pos + i] != word.charAt(i)) {
                throw new Malformed("unrecognised token at byte " + (offset + pos) + " (expected '" + word + "')");
            }
        }
        pos += word.length();
    }

    private JsonNode number() throws IOException {
        StringBuilder sb = new StringBuilder(24);
        int c = peekRaw();
        if (c == '-') {
            sb.append('-');
            pos++;
        }
        int intDigits = digits(sb);
        if (intDigits == 0) {
            throw unexpected(peekRaw(), "a digit");
        }
        if (intDigits > 1 && sb.charAt(sb.length() - intDigits) == '0') {
            throw new Malformed("a number with a leading zero at byte " + (offset + pos));
        }
        boolean integral = true;
        if (peekRaw() == '.') {
            sb.append('.');
            pos++;
            integral = false;
            if (digits(sb) == 0) {
                throw unexpected(peekRaw(), "a digit after the decimal point");
            }
        }
        c = peekRaw();
        if (c == 'e' || c == 'E') {
            sb.append('e');
            pos++;
            integral = false;
            c = peekRaw();
            if (c == '+' || c == '-') {
                sb.append((char) c);
                pos++;
            }
            if (digits(sb) == 0) {
                throw unexpected(peekRaw(), "a digit in the exponent");
            }
        }
        String s = sb.toString();
        if (!integral) {
            return NODES.numberNode(Double.parseDouble(s));
        }
        if (s.length() <= 18) {
            long v = Long.parseLong(s);
            return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
        }
        BigInteger v = new BigInteger(s);
        return v.bitLength() < 64 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
    }

    private int digits(StringBuilder sb) throws IOException {
        int n = 0;
        for (int c = peekRaw(); c >= '0' && c <= '9'; c = peekRaw()) {
            if (sb.length() >= MAX_NUMBER) {
                throw new Malformed("a number longer than " + MAX_NUMBER + " characters");
            }
            sb.append((char) c);
            pos++;
            n++;
        }
        return n;
    }

    /** The next byte, white space included; -1 at the end. */
    private int peekRaw() throws IOException {
        return pos < lim || fill(1) ? buf[pos] & 0xff : -1;
    }

    // ---- strings

    /**
     * Of the last string read: its whole length in chars, whether it is all blank, whether it was cut, and whether
     * at the cap, with how many bytes skipped past it.
     */
    private int chars;
    private boolean blank;
    private boolean cut;
    private boolean overCap;
    private long dropped;

    /** The rest of a string whose opening quote is consumed: whole, up to the cap. */
    private String text() throws IOException {
        String s = scan(Integer.MAX_VALUE);
        return cut ? s + " … [ocs skipped " + dropped + " bytes]" : s;
    }

    /** The rest of a string: kept up to {@code keep} chars, then a {@link LongText}. */
    private JsonNode text(int keep) throws IOException {
        String s = scan(keep);
        if (!cut) {
            return NODES.textNode(s);
        }
        return new LongText(overCap ? s + " … [ocs skipped " + dropped + " bytes]" : s, chars, blank);
    }

    /**
     * Reads the rest of a string (its opening quote consumed) and returns its first {@code keep} chars, at most
     * {@link #cap} bytes of it; counts the rest ({@link #chars}, {@link #blank}, {@link #cut}, {@link #overCap},
     * {@link #dropped}: bytes past the cap).
     */
    private String scan(int keep) throws IOException {
        StringBuilder sb = null;
        String kept = null;    // once cut: what was kept
        int start = pos;       // kept bytes from here to pos are not yet decoded
        boolean ascii = true;  // and they are all ASCII
        int n = 0;             // chars so far, kept or not
        long keptBytes = 0;
        boolean isBlank = true;
        overCap = false;
        dropped = 0;
        while (true) {
            if (pos + 8 > lim) {
                if (kept == null) {
                    sb = append(sb, start, pos, ascii);
                    ascii = true;
                }
                if (!fill(8) && pos == lim) {
                    throw new Malformed("the answer ended inside a string");
                }
                start = pos;
            }
            // Eight plain ASCII bytes at a time: no quote, backslash, control character or high bit.
            while (pos + 8 <= lim) {
                long w = (long) LONGS.get(buf, pos);
                if ((stops(w) | w & HIGH) != 0 || kept == null && (n + 8 > keep || keptBytes + 8 > cap)) {
                    break;
                }
                if (isBlank && w != SPACES) {
                    isBlank = false;
                }
                n += 8;
                pos += 8;
                if (kept == null) {
                    keptBytes += 8;
                } else if (overCap) {
                    dropped += 8;
                }
            }
            if (pos + 8 > lim && pos == lim) {
                continue;
            }
            int b = buf[pos] & 0xff;
            if (b == '"') {
                pos++;
                break;
            }
            if (b < 0x20) {
                throw new Malformed("a control character (code " + b + ") inside a string at byte " + (offset + pos)
                        + "; JSON needs it escaped");
            }
            int len;
            int units = 1;
            int cp;
            boolean escape = b == '\\';
            if (escape) {
                if (kept == null) {
                    sb = append(sb, start, pos, ascii);
                    ascii = true;
                }
                fill(6);
                start = pos;
                if (pos + 1 >= lim) {
                    throw new Malformed("the answer ended inside a string");
                }
                int e = buf[pos + 1] & 0xff;
                len = 2;
                switch (e) {
                    case '"', '\\', '/' -> cp = e;
                    case 'b' -> cp = '\b';
                    case 'f' -> cp = '\f';
                    case 'n' -> cp = '\n';
                    case 'r' -> cp = '\r';
                    case 't' -> cp = '\t';
                    case 'u' -> {
                        cp = hex(pos + 2);
                        len = 6;
                    }
                    default -> throw new Malformed("an unknown escape '\\" + (char) e + "' at byte " + (offset + pos));
                }
            } else if (b < 0x80) {
                len = 1;
                cp = b;
            } else {
                len = b >= 0xF0 && b <= 0xF7 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC0 && b <= 0xDF ? 2 : 1;
                if (pos + len > lim) {
                    if (kept == null) {
                        sb = append(sb, start, pos, ascii);
                        ascii = true;
                    }
                    fill(len);
                    start = pos;
                }
                // A malformed sequence counts as one replaced char and never takes a byte that is not a continuation.
                int k = 1;
                while (k < len && pos + k < lim && (buf[pos + k] & 0xC0) == 0x80) {
                    k++;
                }
                if (k < len || len == 1) {
                    len = k;
                    cp = 0xFFFD;
                } else if (len == 2) {
                    cp = (b & 0x1F) << 6 | buf[pos + 1] & 0x3F;
                } else if (len == 3) {
                    cp = (b & 0x0F) << 12 | (buf[pos + 1] & 0x3F) << 6 | buf[pos + 2] & 0x3F;
                } else {
                    cp = (b & 0x07) << 18 | (buf[pos + 1] & 0x3F) << 12 | (buf[pos + 2] & 0x3F) << 6
                            | buf[pos + 3] & 0x3F;
                    units = 2;
                }
            }
            if (isBlank && !Character.isWhitespace(cp)) {
                isBlank = false;
            }
            if (kept == null && (n + units > keep || keptBytes + len > cap)) {
                // From here on only counted. Never half a pair: one the cut would split is left out whole.
                sb = append(sb, start, pos, ascii);
                overCap = keptBytes + len > cap;
                if (sb != null && sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                    // The cut fell between the two escapes of a pair: the first (six bytes) goes too.
                    sb.setLength(sb.length() - 1);
                    dropped += overCap ? 6 : 0;
                }
                kept = sb == null ? "" : sb.toString();
                sb = null;
            }
            if (kept == null) {
                if (escape) {
                    sb = (sb == null ? new StringBuilder() : sb).append((char) cp);
                    start = pos + len;
                } else if (b >= 0x80) {
                    ascii = false;
                }
                keptBytes += len;
            } else if (overCap) {
                dropped += len;
            }
            n += units;
            pos += len;
        }
        chars = n;
        blank = isBlank;
        cut = kept != null;
        if (cut) {
            return kept;
        }
        if (sb == null) {
            return decode(start, pos - 1, ascii);
        }
        return append(sb, start, pos - 1, ascii).toString();
    }

    private int hex(int at) throws Malformed {
        if (at + 4 > lim) {
            throw new Malformed("the answer ended inside a string");
        }
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                throw new Malformed("a bad \\u escape at byte " + (offset + at - 2));
            }
            v = v << 4 | d;
        }
        return v;
    }

    private StringBuilder append(StringBuilder sb, int from, int to, boolean ascii) {
        if (to <= from) {
            return sb;
        }
        return sb == null ? new StringBuilder(decode(from, to, ascii)) : sb.append(decode(from, to, ascii));
    }

    private String decode(int from, int to, boolean ascii) {
        return to <= from ? "" : new String(buf, from, to - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    // ---- buffer

    /**
     * Makes at least {@code need} bytes from {@code pos} available, moving them to the buffer's start if needed;
     * false when the body ends first (what there is stays available).
     */
    private boolean fill(int need) throws IOException {
        if (lim - pos >= need) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            offset += pos;
            lim -= pos;
            pos = 0;
        }
        while (lim < need && !eof) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
            } else {
                lim += n;
            }
        }
        return lim >= need;
    }

    private Malformed unexpected(int c, String wanted) {
        return new Malformed(c < 0 ? "the answer ended early (expected " + wanted + ")"
                : "unexpected " + (c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : "byte " + c) + " at byte "
                + (offset + pos) + " (expected " + wanted + ")");
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final long SPACES = ONES * ' ';
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';

    /** High bit set in the lowest byte of {@code w} that is a quote, a backslash or below 0x20 (if any). */
    private static long stops(long w) {
        return zeroByte(w ^ QUOTES) | zeroByte(w ^ BACKSLASHES) | (w - ONES * 0x20) & ~w & HIGH;
    }

    private static long zeroByte(long x) {
        return (x - ONES) & ~x & HIGH;
    }
}

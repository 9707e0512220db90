package dev.ocs.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream of byte chunks made as the reader gets to them: where ocs hands on one stream as another (v2's messages
 * as the older shape, page by page; v2's events as the older ones; the MCP client's lines to the SDK).
 */
public abstract class ChunkedInputStream extends InputStream {
    // volatile: the MCP hand-off is asked from another thread whether everything was read
    private volatile byte[] chunk = new byte[0];
    private volatile int pos;

    /** The next chunk (empty is fine), or null at the end, and again for every later call. */
    protected abstract byte[] next() throws IOException;

    /** Whether every byte of the chunks made so far has been read. */
    protected final boolean consumed() {
        return pos >= chunk.length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos >= chunk.length) {
            byte[] c = next();
            if (c == null) {
                return -1;
            }
            chunk = c;
            pos = 0;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }
}

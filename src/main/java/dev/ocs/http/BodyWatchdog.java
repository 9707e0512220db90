package dev.ocs.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body with an inactivity limit. java.net.http's request timeout ends when the headers arrive; a body
 * that stalls after them would block a read forever. Here every read that gets no byte within the limit closes
 * the stream (which wakes the blocked read) and fails with {@link HttpTimeoutException}. A body that keeps coming,
 * however slowly, is read to its end: the limit is on each silence, not on the whole transfer.
 */
final class BodyWatchdog extends FilterInputStream {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final long limitNanos;
    private final String what;
    private volatile boolean expired;

    BodyWatchdog(InputStream in, Duration limit, String what) {
        super(in);
        this.limitNanos = limit.toNanos();
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        ScheduledFuture<?> alarm = arm();
        try {
            return check(in.read());
        } catch (IOException e) {
            throw expired ? stalled(e) : e;
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ScheduledFuture<?> alarm = arm();
        try {
            return check(in.read(b, off, len));
        } catch (IOException e) {
            throw expired ? stalled(e) : e;
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        ScheduledFuture<?> alarm = arm();
        try {
            long skipped = in.skip(n);
            check(0);
            return skipped;
        } catch (IOException e) {
            throw expired ? stalled(e) : e;
        } finally {
            alarm.cancel(false);
        }
    }

    private ScheduledFuture<?> arm() throws IOException {
        if (expired) {
            throw stalled(null);
        }
        return TIMER.schedule(this::expire, limitNanos, TimeUnit.NANOSECONDS);
    }

    /** A read woken by the close may return -1 or bytes already queued: the body is still cut short. */
    private int check(int n) throws IOException {
        if (expired) {
            throw stalled(null);
        }
        return n;
    }

    private void expire() {
        expired = true;
        try {
            in.close();
        } catch (IOException e) {
            // the blocked read fails either way
        }
    }

    private HttpTimeoutException stalled(IOException cause) {
        HttpTimeoutException e = new HttpTimeoutException(what + ": no data for "
                + TimeUnit.NANOSECONDS.toMillis(limitNanos) + " ms");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "ocs-body-watchdog");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}

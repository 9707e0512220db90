package dev.ocs.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends the reading of a response body that has sent nothing for a while. The HTTP client's time limit stops
 * once the headers have arrived; a server that then stalls would hold ocs for ever. The guard interrupts the
 * body stream and wakes the reading thread, and says it was a stall.
 */
final class StallGuard extends FilterInputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ocs-stall-guard");
        t.setDaemon(true);
        return t;
    });

    private final Thread reader = Thread.currentThread();
    private final long limitNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private boolean closed;

    StallGuard(InputStream in, Duration limit) {
        super(in);
        limitNanos = limit.toNanos();
        long period = Math.max(20, Math.min(250, limit.toMillis() / 4));
        check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Runs on the timer; under the same lock as close(), so no interrupt can reach the reader after it. */
    private synchronized void check() {
        if (!closed && !stalled && System.nanoTime() - lastProgress > limitNanos) {
            stalled = true;
            check.cancel(false);
            try {
                in.close(); // the client's stream checks for this when woken...
            } catch (IOException ignored) {
                // closing is all we wanted
            }
            reader.interrupt(); // ...and an interrupt wakes it (it swallows the interrupt itself)
        }
    }

    boolean stalled() {
        return stalled;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        lastProgress = System.nanoTime();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        lastProgress = System.nanoTime();
        return n;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
            check.cancel(false);
            if (stalled) {
                Thread.interrupted(); // the interrupt was ours: the caller's thread goes on clean
            }
        }
        super.close();
    }
}

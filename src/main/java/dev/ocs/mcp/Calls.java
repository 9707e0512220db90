package dev.ocs.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls under way, by JSON-RPC id: a cancellation interrupts the thread that runs the call's command,
 * which ends its wait as Ctrl-C ends the command line's (exit 130, the session left running).
 */
final class Calls {
    /** One call under way. */
    static final class Call {
        private final Thread thread;
        private volatile String reason;
        private volatile boolean cancelled;
        private boolean done;

        Call(Thread thread) {
            this.thread = thread;
        }

        boolean cancelled() {
            return cancelled;
        }

        String reason() {
            return reason;
        }

        synchronized void cancel(String why) {
            if (!done) {
                reason = why;
                cancelled = true;
                thread.interrupt();
            }
        }

        /** On the call's own thread, once it has returned: no interrupt reaches the thread after this. */
        private synchronized void finish() {
            done = true;
            Thread.interrupted();
        }
    }

    private final Map<String, Call> running = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    /** Registers the current thread as the one serving request {@code id} (null: a call nobody can cancel). */
    Call start(String id) {
        Call c = new Call(Thread.currentThread());
        active.incrementAndGet();
        if (id != null) {
            running.put(id, c);
        }
        return c;
    }

    /** The call has returned: no cancellation reaches its thread any more, and a late interrupt is cleared. */
    void end(String id, Call c) {
        if (id != null) {
            running.remove(id, c);
        }
        c.finish();
        active.decrementAndGet();
    }

    /** A {@code notifications/cancelled} for request {@code id} (its JSON text); unknown ids are ignored. */
    void cancel(String id, String reason) {
        Call c = running.get(id);
        if (c != null) {
            c.cancel(reason);
        }
    }

    /** No call is running. */
    boolean idle() {
        return active.get() == 0;
    }
}

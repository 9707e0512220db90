package dev.ocs.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tool calls under way, by JSON-RPC id (as JSON text): a cancellation interrupts the thread that runs the
 * call's command, which ends its wait as Ctrl-C ends the command line's (exit 130, the session left running). A
 * call is known from the moment its request is read, so a cancellation that comes before the SDK has handed it to
 * a worker still counts.
 */
final class Calls {
    /** One call. */
    static final class Call {
        private Thread thread;
        private String reason;
        private boolean cancelled;
        private boolean done;

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized String reason() {
            return reason;
        }

        synchronized void cancel(String why) {
            if (!done && !cancelled) {
                reason = why;
                cancelled = true;
                if (thread != null) {
                    thread.interrupt();
                }
            }
        }

        private synchronized void attach(Thread t) {
            thread = t;
        }

        /**
         * On the call's own thread: no interrupt reaches it after this, and one that came is cleared (so what the
         * call does next, an abort it was asked for, runs undisturbed).
         */
        synchronized void detach() {
            done = true;
            Thread.interrupted();
        }

        /** Runs {@code r} unless the call is over, holding the call while it runs (progress: never after it). */
        synchronized void unlessDone(Runnable r) {
            if (!done) {
                r.run();
            }
        }
    }

    private final Map<String, Call> known = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();

    /** A tools/call request was read: it can be cancelled from now on. */
    void expect(String id) {
        known.putIfAbsent(id, new Call());
    }

    /** The current thread now serves request {@code id} (null: a call nobody can cancel). */
    Call start(String id) {
        Call c = id == null ? new Call() : known.computeIfAbsent(id, k -> new Call());
        c.attach(Thread.currentThread());
        active.incrementAndGet();
        return c;
    }

    /** The call has returned. */
    void end(String id, Call c) {
        if (id != null) {
            known.remove(id, c);
        }
        c.detach();
        active.decrementAndGet();
    }

    /** A {@code notifications/cancelled} for request {@code id} (its JSON text); unknown ids are ignored. */
    void cancel(String id, String reason) {
        Call c = known.get(id);
        if (c != null) {
            c.cancel(reason);
        }
    }

    /** No call is running. */
    boolean idle() {
        return active.get() == 0;
    }
}

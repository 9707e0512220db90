package dev.ocs.events;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /event}, read on a background thread into a queue. When the stream drops it says so and
 * reconnects by itself; the consumer checks the server's state after a reconnect, since events were missed.
 *
 * <p>Reconnects back off: 0.2 s doubling to 5 s while each stream ends within {@link #HOLD} of opening, back to
 * 0.2 s once one holds. A stream that keeps ending at once is said once ({@link Unsteady}); from then on its drops
 * and reconnects are {@code quiet}, and the consumer follows the run by polling until a stream holds again.
 */
public final class EventFeed implements AutoCloseable {
    /** What the queue holds: an event, or news about the connection. */
    public sealed interface Item permits Got, Dropped, Reconnected, Unsteady, Failing, Lost {}

    public record Got(Event event) implements Item {}

    /** @param quiet true while the stream is unsteady: already said, not to be said again */
    public record Dropped(String why, boolean quiet) implements Item {}

    public record Reconnected(boolean quiet) implements Item {}

    /** The stream keeps ending as soon as it opens: said once; poll the server while it lasts. */
    public record Unsteady(String why) implements Item {}

    /** The server does not answer at all (a reconnect failed): said once, with how long the feed keeps trying. */
    public record Failing(String why) implements Item {}

    /** The server stayed away past the feed's patience (or rejected the credentials): following is over. */
    public record Lost(OcsException error) implements Item {}

    /** A stream that stays open this long counts as holding. */
    static final long HOLD_MS = 5_000;
    static final long FIRST_BACKOFF_MS = 200;
    static final long MAX_BACKOFF_MS = 5_000;
    /** Quick ends in a row after which the stream counts as unsteady. */
    static final int UNSTEADY_AFTER = 2;
    /** How long a server that does not answer at all is given to come back. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Api client;
    private final Duration patience;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile InputStream current;
    private Thread thread;

    public EventFeed(Api client) {
        this(client, PATIENCE);
    }

    public EventFeed(Api client, Duration patience) {
        this.client = client;
        this.patience = patience;
    }

    /** Subscribes now (errors such as rejected credentials surface here), then reads in the background. */
    public EventFeed start() {
        current = client.events();
        thread = new Thread(this::loop, "ocs-events");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** The next item, or null when nothing came within the wait. */
    public Item poll(Duration wait) throws InterruptedException {
        return queue.poll(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void loop() {
        long backoff = FIRST_BACKOFF_MS;
        int quickEnds = 0;
        boolean unsteady = false;
        long openedAt = System.nanoTime();
        long failingSince = 0;
        while (!closed) {
            InputStream in = current;
            String why = "the event stream ended";
            if (in != null) {
                try (in) {
                    SseReader reader = new SseReader(in);
                    Event e;
                    while (!closed && (e = reader.next()) != null) {
                        queue.add(new Got(e));
                    }
                } catch (IOException e) {
                    why = "the event stream broke (" + e.getClass().getSimpleName() + ")";
                }
                current = null;
                if (closed) {
                    return;
                }
                if ((System.nanoTime() - openedAt) / 1_000_000 >= HOLD_MS) {
                    backoff = FIRST_BACKOFF_MS;
                    quickEnds = 0;
                    unsteady = false;
                } else if (++quickEnds >= UNSTEADY_AFTER && !unsteady) {
                    String instead = client.eventsFallback();
                    if (instead != null) {
                        queue.add(new Dropped(why + " as soon as it opened, " + quickEnds + " times in a row; "
                                + "switching to " + instead, false));
                        quickEnds = 0;
                        backoff = FIRST_BACKOFF_MS;
                        continue;
                    }
                    unsteady = true;
                    queue.add(new Unsteady(why + " as soon as it opened, " + quickEnds + " times in a row"));
                }
                queue.add(new Dropped(why, unsteady));
            }
            try {
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                InputStream next = client.events();
                if (closed) {
                    next.close(); // closed while it was opening: not left open, and no more attempts
                    return;
                }
                current = next;
                openedAt = System.nanoTime();
                failingSince = 0;
                queue.add(new Reconnected(unsteady));
            } catch (InterruptedException | IOException e) {
                return;
            } catch (OcsException e) {
                long now = System.nanoTime();
                if (failingSince == 0) {
                    failingSince = now;
                    if (e.exitCode() != ExitCode.AUTH) {
                        queue.add(new Failing("the server stopped answering; trying again for " + patience.toSeconds()
                                + " s (" + e.getMessage() + ")"));
                    }
                }
                if (e.exitCode() == ExitCode.AUTH || now - failingSince >= patience.toNanos()) {
                    queue.add(new Lost(e.exitCode() == ExitCode.AUTH ? e : new OcsException(e.exitCode(),
                            "the server did not come back within " + patience.toSeconds() + " s: " + e.getMessage(),
                            e)));
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

}

package dev.ocs.events;

import dev.ocs.OcsException;
import dev.ocs.http.OpencodeClient;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /event}, read on a background thread into a queue. When the stream drops it says so and
 * reconnects by itself; the consumer checks the server's state after a reconnect, since events were missed.
 */
public final class EventFeed implements AutoCloseable {
    /** What the queue holds: an event, or news about the connection. */
    public sealed interface Item permits Got, Dropped, Reconnected {}

    public record Got(Event event) implements Item {}

    public record Dropped(String why) implements Item {}

    public record Reconnected() implements Item {}

    private final OpencodeClient client;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile InputStream current;
    private Thread thread;

    public EventFeed(OpencodeClient client) {
        this.client = client;
    }

    /** Subscribes now (errors such as rejected credentials surface here), then reads in the background. */
    public EventFeed start() {
        current = client.openStream("/event", null);
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
        long backoff = 250;
        while (!closed) {
            InputStream in = current;
            String why = "the event stream ended";
            if (in != null) {
                try (in) {
                    SseReader reader = new SseReader(in);
                    Event e;
                    while (!closed && (e = reader.next()) != null) {
                        queue.add(new Got(e));
                        backoff = 250;
                    }
                } catch (IOException e) {
                    why = "the event stream broke (" + e.getClass().getSimpleName() + ")";
                }
                current = null;
                if (closed) {
                    return;
                }
                queue.add(new Dropped(why));
            }
            try {
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
                current = client.openStream("/event", null);
                queue.add(new Reconnected());
            } catch (InterruptedException e) {
                return;
            } catch (OcsException e) {
                queue.add(new Dropped("reconnecting failed: " + e.getMessage()));
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

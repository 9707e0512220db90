package dev.ocs.events;

import dev.ocs.RawServer;
import dev.ocs.api.V1Api;
import dev.ocs.http.Connection;
import dev.ocs.http.OpencodeClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An event stream that ends as soon as it opens (as 1.14.48's did for ocs) must not be reconnected in a tight
 * loop: reconnects back off from 0.2 s, doubling, and the trouble is said once (one {@link EventFeed.Unsteady},
 * then only quiet drops), however often it ends.
 */
class EventFeedBackoffTest {
    @Test
    void aStreamThatEndsAtOnceIsReconnectedWithBackoffAndSaidOnce() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        try (RawServer server = new RawServer(x -> {
            opened.incrementAndGet();
            String event = "data: {\"type\":\"server.connected\",\"properties\":{}}\n\n";
            x.head(200, "text/event-stream", event.length());
            x.write(event);
        })) {
            Connection conn = new Connection(URI.create(server.url()), "opencode", "pw", "test", null,
                    Duration.ofSeconds(2), Duration.ofSeconds(2));
            List<EventFeed.Item> items = new ArrayList<>();
            long start = System.nanoTime();
            try (EventFeed feed = new EventFeed(new V1Api(new OpencodeClient(conn, null))).start()) {
                while (System.nanoTime() - start < Duration.ofMillis(4_000).toNanos()) {
                    EventFeed.Item item = feed.poll(Duration.ofMillis(100));
                    if (item != null) {
                        items.add(item);
                    }
                }
            }
            // 0 s, then after 0.2 + 0.4 + 0.8 + 1.6 s: at most 5 opens in 4 s (a tight loop makes dozens).
            int n = opened.get();
            assertTrue(n >= 3 && n <= 5, "opens in 4 s: " + n);
            long unsteady = items.stream().filter(i -> i instanceof EventFeed.Unsteady).count();
            assertEquals(1, unsteady, "said once: " + items);
            long loudDrops = items.stream().filter(i -> i instanceof EventFeed.Dropped d && !d.quiet()).count();
            assertEquals(EventFeed.UNSTEADY_AFTER - 1, loudDrops, "drops said before it counts as unsteady: " + items);
            EventFeed.Item first = items.get(0);
            assertInstanceOf(EventFeed.Got.class, first);
        }
    }
}

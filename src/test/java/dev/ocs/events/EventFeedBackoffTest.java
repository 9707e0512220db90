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
 * loop: reconnects back off from 0.2 s, doubling; the server's other stream ({@code /global/event}) is tried; and
 * when that ends too the trouble is said once (one {@link EventFeed.Unsteady}, then only quiet drops).
 */
class EventFeedBackoffTest {
    @Test
    void aStreamThatEndsAtOnceIsReconnectedWithBackoffAndSaidOnce() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        List<String> paths = java.util.Collections.synchronizedList(new ArrayList<>());
        try (RawServer server = new RawServer(x -> {
            opened.incrementAndGet();
            paths.add(x.path());
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
            // /event at 0 and 0.2 s, then /global/event (the other stream) at 0.4, 0.8, 1.6 and 3.2 s: six opens
            // in 4 s, where a tight loop makes dozens.
            int n = opened.get();
            assertTrue(n >= 4 && n <= 6, "opens in 4 s: " + n + " " + paths);
            assertEquals(List.of("/event", "/event"), paths.subList(0, 2), paths.toString());
            assertTrue(paths.subList(2, paths.size()).stream().allMatch("/global/event"::equals), paths.toString());
            long unsteady = items.stream().filter(i -> i instanceof EventFeed.Unsteady).count();
            assertEquals(1, unsteady, "said once: " + items);
            assertTrue(items.stream().anyMatch(i -> i instanceof EventFeed.Dropped d
                    && d.why().endsWith("switching to GET /global/event")), items.toString());
            long loudDrops = items.stream().filter(i -> i instanceof EventFeed.Dropped d && !d.quiet()).count();
            assertEquals(3, loudDrops, "drops said before both streams count as unsteady: " + items);
            EventFeed.Item first = items.get(0);
            assertInstanceOf(EventFeed.Got.class, first);
        }
    }

    /** A server that dies is said once, with how long the feed keeps trying, then given up on (exit 3). */
    @Test
    void aServerThatStopsAnsweringIsSaidOnceThenGivenUp() throws Exception {
        java.util.concurrent.CountDownLatch served = new java.util.concurrent.CountDownLatch(1);
        RawServer server = new RawServer(x -> {
            String event = "data: {\"type\":\"server.connected\",\"properties\":{}}\n\n";
            x.head(200, "text/event-stream", event.length());
            x.write(event);
            served.countDown();
        });
        Connection conn = new Connection(URI.create(server.url()), "opencode", "pw", "test", null,
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        List<EventFeed.Item> items = new ArrayList<>();
        long start = System.nanoTime();
        try (EventFeed feed = new EventFeed(new V1Api(new OpencodeClient(conn, null)), Duration.ofMillis(1500)).start()) {
            assertTrue(served.await(5, java.util.concurrent.TimeUnit.SECONDS));
            server.close();
            while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
                EventFeed.Item item = feed.poll(Duration.ofMillis(100));
                if (item != null) {
                    items.add(item);
                    if (item instanceof EventFeed.Lost) {
                        break;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<EventFeed.Item> failing = items.stream().filter(i -> i instanceof EventFeed.Failing).toList();
        assertEquals(1, failing.size(), "said once: " + items);
        assertTrue(((EventFeed.Failing) failing.get(0)).why().contains("trying again for 1 s"), items.toString());
        EventFeed.Item last = items.get(items.size() - 1);
        assertInstanceOf(EventFeed.Lost.class, last, items.toString());
        dev.ocs.OcsException e = ((EventFeed.Lost) last).error();
        assertEquals(dev.ocs.ExitCode.UNREACHABLE, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("the server did not come back within 1 s"), e.getMessage());
        assertTrue(seconds < 8, "given up after its patience, not later: " + seconds + " s");
        assertTrue(items.stream().noneMatch(i -> i instanceof EventFeed.Dropped d && d.why().contains("reconnecting")),
                "no repeated reconnect lines: " + items);
    }
}

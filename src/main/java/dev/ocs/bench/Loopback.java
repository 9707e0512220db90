package dev.ocs.bench;

/** What the bench's own HTTP servers share. */
final class Loopback {
    private Loopback() {}

    /**
     * The JDK's HttpServer writes a response's headers and body separately and leaves Nagle's algorithm on, so
     * the body of every answer after the first on a kept-alive connection waits for the client's delayed ACK:
     * about 40 ms on Linux (measured with {@code curl URL1 URL2}: 1 ms, then 41 ms). A real opencode server
     * answers the second request in 2-6 ms, so the bench's servers turn Nagle off, as the real one behaves. Read
     * once, when the first HttpServer is made; set only if the caller has not chosen.
     */
    static void noDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
}

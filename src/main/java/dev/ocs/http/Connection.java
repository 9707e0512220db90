package dev.ocs.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Where the server is and how to log in. {@code passwordSource} says where the password came from
 * ("OPENCODE_SERVER_PASSWORD", "--password-file FILE", ...) so errors can name it without showing it.
 */
public record Connection(URI url, String username, String password, String passwordSource,
                         String directory, Duration connectTimeout, Duration requestTimeout) {

    public Connection {
        String s = url.toString();
        if (s.endsWith("/")) {
            url = URI.create(s.substring(0, s.length() - 1));
        }
    }

    /** The URL as shown to the user: never with user info. */
    public String displayUrl() {
        return url.toString();
    }

    public boolean isLoopback() {
        String host = url.getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }

    /**
     * Text that may quote a server or an exception (an error page echoing the request, a -v stack trace) with the
     * password and the Basic credentials replaced by ****.
     */
    public String redact(String text) {
        if (text == null || password == null || password.isEmpty()) {
            return text;
        }
        String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return text.replace(basic, "****").replace(password, "****");
    }

    @Override
    public String toString() {
        return "Connection[" + url + ", user " + username + ", password from " + passwordSource + "]";
    }
}

package dev.ocs.serve;

import dev.ocs.api.Api;
import dev.ocs.api.ServerIdentity;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;

import java.time.Duration;

/** What {@code GET /global/health} told us. {@code authOk} is null when nothing answered. */
public record Health(boolean up, String version, Boolean authOk, OcsException failure, boolean authIgnored) {
    public Health(boolean up, String version, Boolean authOk, OcsException failure) {
        this(up, version, authOk, failure, false);
    }


    public static Health check(Api client, Duration timeout) {
        try {
            ServerIdentity id = client.identify(timeout);
            return new Health(true, id.version(), true, null, !id.hasHealth());
        } catch (OcsException e) {
            return switch (e.exitCode()) {
                case ExitCode.AUTH -> new Health(true, null, false, e);
                case ExitCode.UNREACHABLE, ExitCode.TIMEOUT -> new Health(false, null, null, e);
                // Something answered, but not an opencode server's health: up, but not what we expect.
                default -> new Health(true, null, null, e);
            };
        }
    }

    public boolean ok() {
        return up && Boolean.TRUE.equals(authOk);
    }
}

package dev.ocs.cli;

import dev.ocs.OcsException;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** How to follow a run to its end: shared by {@code send --wait} and {@code approve --wait}. */
public final class WaitOptions {
    @Option(names = "--wait", description = "Follow the run until it is over and print the answer; the exit code is inspect's.")
    boolean await;

    @Option(names = "--stream", description = "Print the answer as it is written (implies --wait).")
    boolean stream;

    @Option(names = "--thinking", description = "With --stream: include reasoning.")
    boolean thinking;

    @Option(names = "--on-permission", paramLabel = "stop|once|always|reject", defaultValue = "stop",
            description = "What to do when the run asks a permission (default ${DEFAULT-VALUE}: exit 8).")
    String onPermission;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Give up waiting after this long (default ${DEFAULT-VALUE}); the session keeps running.")
    String timeout;

    @Option(names = "--max-retries", paramLabel = "N", defaultValue = "3",
            description = "Stop waiting once the server's retry attempt passes N (default ${DEFAULT-VALUE}).")
    int maxRetries;

    @Option(names = "--full", description = "With --wait --json: texts and tool outputs whole.")
    boolean full;

    boolean waiting() {
        return await || stream;
    }

    /** Checks the options against each other; returns the timeout. */
    Duration validate(boolean json) {
        if (!List.of("stop", "once", "always", "reject").contains(onPermission)) {
            throw OcsException.usage("--on-permission must be stop, once, always or reject");
        }
        if (maxRetries < 0) {
            throw OcsException.usage("--max-retries must be 0 or more");
        }
        if (stream && json) {
            throw OcsException.usage("--stream writes the answer as text; use --wait with --json for the report");
        }
        return Durations.parse("--timeout", timeout);
    }
}

package dev.ocs.cli;

import dev.ocs.OcsException;
import dev.ocs.run.Follower;
import dev.ocs.session.Budget;
import picocli.CommandLine.Model.OptionSpec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** How to follow a run to its end: shared by {@code send --wait}, {@code approve --wait} and {@code answer --wait}. */
public final class WaitOptions {
    boolean await;
    boolean stream;
    boolean thinking;
    String onPermission;
    String onQuestion;
    String timeout;
    int maxRetries;
    boolean full;
    boolean brief;
    Double maxCost;
    Long maxTokens;

    void addTo(Args a) {
        a.flag(v -> await = v, OptionSpec.builder("--wait")
                .description("Follow the run until it is over and print the answer; the exit code is inspect's."));
        a.flag(v -> stream = v, OptionSpec.builder("--stream")
                .description("Print the answer as it is written (implies --wait)."));
        a.flag(v -> thinking = v, OptionSpec.builder("--thinking").description("With --stream: include reasoning."));
        a.option(String.class, v -> onPermission = v, OptionSpec.builder("--on-permission")
                .paramLabel("stop|once|always|reject").defaultValue("stop")
                .description("What to do when the run asks a permission (default ${DEFAULT-VALUE}: exit 8)."));
        a.option(String.class, v -> onQuestion = v, OptionSpec.builder("--on-question")
                .paramLabel("stop|reject|first").defaultValue("stop")
                .description("What to do when the run asks a question (default ${DEFAULT-VALUE}: exit 8 and the "
                        + "command that answers it; first: each question's first option)."));
        a.option(String.class, v -> timeout = v, OptionSpec.builder("--timeout").paramLabel("DURATION")
                .defaultValue("10m")
                .description("Give up waiting after this long (default ${DEFAULT-VALUE}); the session keeps running."));
        a.option(Integer.class, v -> maxRetries = v, OptionSpec.builder("--max-retries").paramLabel("N")
                .defaultValue("3")
                .description("Stop waiting once the server's retry attempt passes N (default ${DEFAULT-VALUE})."));
        a.flag(v -> full = v, OptionSpec.builder("--full")
                .description("With --wait --json: texts and tool outputs whole."));
        a.flag(v -> brief = v, OptionSpec.builder("--brief")
                .description("With --wait --json: the report as inspect --brief gives it (bounded in size)."));
        addBudget(a, v -> maxCost = v, v -> maxTokens = v);
    }

    /** --max-cost and --max-tokens: shared with {@code ocs wait}. */
    static void addBudget(Args a, java.util.function.Consumer<Double> cost, java.util.function.Consumer<Long> tokens) {
        a.option(Double.class, cost, OptionSpec.builder("--max-cost").paramLabel("USD")
                .description("Abort the run once its steps have cost more than this (finding budget-exceeded, "
                        + "exit 1)."));
        a.option(Long.class, tokens, OptionSpec.builder("--max-tokens").paramLabel("N")
                .description("Abort the run once its steps have used more than N tokens (input, output, reasoning "
                        + "and cache together)."));
    }

    /** The budget the options give (checked), or null. */
    static Budget budget(Double maxCost, Long maxTokens) {
        if (maxCost != null && !(maxCost > 0 && maxCost < 1e9)) {
            throw OcsException.usage("--max-cost must be an amount of USD above 0, e.g. 0.50");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw OcsException.usage("--max-tokens must be 1 or more");
        }
        return Budget.of(maxCost, maxTokens);
    }

    Budget budget() {
        return budget(maxCost, maxTokens);
    }

    Follower.Policy permissionPolicy() {
        return Follower.Policy.valueOf(onPermission.toUpperCase(Locale.ROOT));
    }

    Follower.Policy questionPolicy() {
        return Follower.Policy.valueOf(onQuestion.toUpperCase(Locale.ROOT));
    }

    boolean waiting() {
        return await || stream;
    }

    /** Checks the options against each other; returns the timeout. */
    Duration validate(boolean json) {
        if (!List.of("stop", "once", "always", "reject").contains(onPermission)) {
            throw OcsException.usage("--on-permission must be stop, once, always or reject");
        }
        if (!List.of("stop", "reject", "first").contains(onQuestion)) {
            throw OcsException.usage("--on-question must be stop, reject or first");
        }
        if (maxRetries < 0) {
            throw OcsException.usage("--max-retries must be 0 or more");
        }
        if (!waiting() && (maxCost != null || maxTokens != null)) {
            throw OcsException.usage("--max-cost and --max-tokens watch a run: add --wait");
        }
        budget();
        if (brief && !(json && waiting())) {
            throw OcsException.usage("--brief goes with --wait --json (without --json the answer is all that is "
                    + "printed)");
        }
        if (stream && json) {
            throw OcsException.usage("--stream writes the answer as text; use --wait with --json for the report");
        }
        return Durations.parse("--timeout", timeout);
    }
}

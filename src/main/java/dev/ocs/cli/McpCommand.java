package dev.ocs.cli;

import dev.ocs.mcp.McpServe;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

public final class McpCommand implements Callable<Integer> {
    private final Services services;
    final CommandSpec spec;

    McpCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "mcp", false,
                "Serve ocs's commands as tools of the Model Context Protocol (MCP), on stdio, to an agent "
                        + "(the agent starts it; see the README for a client's configuration).",
                "Tools: list_sessions, inspect_session, send_prompt, wait_session, approve_permission, "
                        + "answer_question, abort_session, export_session, server_status; each returns its "
                        + "command's --json (export_session: Markdown). The connection options given here (--url, "
                        + "--server, ...) apply to "
                        + "every call. It runs until the client closes standard input.");
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        // The SDK logs through SLF4J: to stderr, and only what matters unless -v.
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", services.verbose() ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        CommandLine root = spec.commandLine().getParent();
        String[] original = root.getParseResult().originalArgs().toArray(new String[0]);
        McpServe serve = new McpServe(services.environment(), globalArgs(original), services.err(),
                services.verbose());
        return serve.serve(services.in(), services.stdout(), OcsCommand.property("version"));
    }

    /** The global options {@code ocs mcp} was given (all it takes): every tool call runs with them. */
    static List<String> globalArgs(String[] original) {
        int at = OcsCommand.commandIndex(original);
        List<String> args = new ArrayList<>(Arrays.asList(original));
        if (at >= 0) {
            args.remove(at);
        }
        args.removeIf("--json"::equals); // each call adds it where its command's output is JSON
        return args;
    }
}

package dev.ocs.mcp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tools {@code ocs mcp} offers: for each, what a model reads (name, description, input schema) and the ocs
 * command line it runs. A tool is a command: its result is the command's {@code --json}, its errors the
 * command's one-line messages. Nothing here talks to a server or reads a session.
 */
final class Tools {
    private Tools() {}

    /**
     * One tool.
     *
     * @param json      whether the command's output is its --json document (export's Markdown is not)
     * @param following whether it can wait on a run (then a timeout, an interruption and a person are explained)
     * @param readOnly  changes nothing on the server
     * @param argv      the command line (without the global options) for the call's arguments
     */
    record Tool(String name, String title, String description, Map<String, Object> inputSchema, boolean json,
                boolean following, boolean readOnly, Function<Arguments, Command> argv) {}

    /**
     * A command line to run, the bytes the command reads as its standard input (send's prompt), the sessions it
     * is about (what a cancelled wait aborts when asked), and the file it writes (export's {@code path}).
     */
    record Command(List<String> args, byte[] stdin, List<String> sessionIDs, Path output) {
        Command(List<String> args, List<String> sessionIDs) {
            this(args, null, sessionIDs, null);
        }
    }

    static final int DEFAULT_TIMEOUT_SECONDS = 120;

    /** What the findings mean: in the server's instructions and in the tools that return them. */
    static final String FINDINGS = """
            Findings (each has code, severity, summary, evidence, advice): \
            model-connect-failed (error: the model server was never reached; wrong baseURL, provider down), \
            zero-tokens (warning: all token counts 0 on a finished message; the request never reached the model), \
            stop-without-text (warning: the model stopped without text: tool calls only, empty reply, or the \
            answer left in reasoning), \
            reasoning-exhausted (the output limit went on reasoning, no answer), \
            model-mismatch (warning: another model answered than was asked for), \
            message-error (error: the server's error on a message, e.g. APIError, ProviderAuthError, \
            ContextOverflowError, MessageAbortedError), \
            retrying (error: the server keeps retrying the provider), \
            permission-pending (a tool waits for approval: call approve_permission), \
            question-pending (the model asked a question: call answer_question), \
            tool-error (warning: a tool call failed), \
            no-reply (error: the prompt got no answer at all, e.g. an unknown model), \
            stuck (error: an answer never completed while the session is idle), \
            budget-exceeded (error: the run passed max_cost or max_tokens and was aborted). \
            exitCode: 0 ok, 1 a failure was found, 7 still running at the timeout (call wait_session), \
            8 waiting on a person (approve_permission or answer_question, then wait_session).""";

    static List<Tool> all() {
        List<Tool> tools = new ArrayList<>();
        tools.add(new Tool("list_sessions", "List sessions",
                "List the opencode server's sessions, newest first, with status (idle, busy, retry, permission, "
                        + "question, stuck), model, tokens and cost; children follow their parent. Use it to find a "
                        + "session id (ses_...) or to see which sessions are busy or wait on a person.",
                schema().integer("limit", "How many sessions (default 20).")
                        .bool("busy", "Only sessions that are not idle.")
                        .bool("roots", "Only top-level sessions (no subagent children).")
                        .string("search", "Only sessions whose title contains this text.").build(),
                true, false, true, a -> command(a.list("list")
                        .value("--limit", a.integer("limit")).flag("--busy", a.bool("busy"))
                        .flag("--roots", a.bool("roots")).value("--search", a.string("search")))));
        tools.add(new Tool("inspect_session", "Inspect a session",
                "Diagnose one session: why an answer is empty, broken or missing. Returns a brief report sized for "
                        + "your context whatever the session's length: header, totals, findings, pending "
                        + "permissions and questions, and the newest answer (at most 2,000 characters). Add "
                        + "`last` to see the newest messages too. " + FINDINGS,
                schema().string("session_id", "The session (ses_...).").required("session_id")
                        .integer("last", "Also the newest N messages, with their parts.")
                        .bool("full", "Texts and tool outputs whole instead of trimmed (with `last`).")
                        .bool("thinking", "Reasoning text too (with `last`).")
                        .string("expect_model", "PROVIDER/MODEL: flag answers from any other model.").build(),
                true, false, true, a -> command(a.list("inspect", a.session()).add("--brief")
                        .value("--last", a.integer("last")).flag("--full", a.bool("full"))
                        .flag("--thinking", a.bool("thinking")).value("--expect-model", a.string("expect_model")))));
        tools.add(new Tool("send_prompt", "Send a prompt",
                "Send a prompt to opencode: to a new session, or to an existing one with session_id. With wait "
                        + "(the default) it follows the run up to timeout_seconds (default "
                        + DEFAULT_TIMEOUT_SECONDS + ") and returns the answer and the findings of this run; if the "
                        + "run is still going then, the result says so (exitCode 7): call wait_session. A run "
                        + "that asks for a permission or asks a question stops the wait (exitCode 8). Without "
                        + "wait it returns {sessionID} at once. " + FINDINGS,
                following(schema().string("prompt", "The prompt, sent exactly as given.").required("prompt")
                        .string("session_id", "Continue this session instead of starting a new one.")
                        .string("model", "PROVIDER/MODEL for this prompt (default: the server's).")
                        .string("agent", "The agent (build, plan, ...).")
                        .string("title", "Title of a new session.")
                        .bool("wait", "Follow the run and return its answer (default true).")
                        .enumeration("on_permission", "What to do when the run asks for a permission "
                                + "(default stop: return exitCode 8).", "stop", "once", "always", "reject")
                        .enumeration("on_question", "What to do when the run asks a question "
                                + "(default stop: return exitCode 8).", "stop", "reject", "first")),
                true, true, false, a -> {
                    Arguments.Line l = a.list("send", "-").value("--session", a.string("session_id"))
                            .value("--model", a.string("model")).value("--agent", a.string("agent"))
                            .value("--title", a.string("title"));
                    if (a.bool("wait", true)) {
                        l.add("--wait").value("--on-permission", a.string("on_permission"))
                                .value("--on-question", a.string("on_question"));
                        waitOptions(a, l);
                    }
                    String sid = a.string("session_id");
                    return new Command(l.args(), a.requiredString("prompt").getBytes(StandardCharsets.UTF_8),
                            sid == null ? List.of() : List.of(sid), null);
                }));
        tools.add(new Tool("wait_session", "Wait for sessions",
                "Wait until sessions are over (idle, waiting on a person, or failed), up to timeout_seconds "
                        + "(default " + DEFAULT_TIMEOUT_SECONDS + "), and return for each its status, exitCode, "
                        + "findings, tokens, cost and newest answer. Use it after send_prompt returned exitCode 7, "
                        + "or after approve_permission / answer_question. " + FINDINGS,
                waiting(schema().strings("session_ids", "The sessions (ses_...).").required("session_ids")
                        .bool("any", "Return when the first of them is over.")).build(),
                true, true, true, a -> {
                    Arguments.Line l = a.list("wait").flag("--any", a.bool("any"));
                    budgetAndTimeout(a, l);
                    List<String> ids = a.requiredStrings("session_ids");
                    l.add("--").addAll(ids);
                    return new Command(l.args(), ids);
                }));
        tools.add(new Tool("approve_permission", "Answer a permission",
                "Answer a permission request that blocks a session (finding permission-pending): reply once "
                        + "(default), always, or reject. Without permission_id the only pending one is answered. "
                        + "With wait it then follows the resumed run like send_prompt.",
                following(schema().string("session_id", "The session (ses_...).").required("session_id")
                        .string("permission_id", "The request (per_...), when several are pending.")
                        .enumeration("reply", "once (default), always, or reject.", "once", "always", "reject")
                        .string("message", "With reject: why, for the model.")
                        .bool("all", "Answer every pending request of the session.")
                        .bool("wait", "Then follow the resumed run (default false).")),
                true, true, false, a -> {
                    String reply = a.string("reply");
                    Arguments.Line l = a.list("approve", a.session()).add(a.string("permission_id"))
                            .flag("--always", "always".equals(reply)).flag("--reject", "reject".equals(reply))
                            .value("--message", a.string("message")).flag("--all", a.bool("all"));
                    if (a.bool("wait", false)) {
                        l.add("--wait");
                        waitOptions(a, l);
                    }
                    return new Command(l.args(), List.of(a.session()));
                }));
        tools.add(new Tool("answer_question", "Answer a question",
                "Answer a question the model asked (finding question-pending), or decline it with reject. "
                        + "`answers` has one entry per question of the request, in order: the option labels "
                        + "chosen (any case; a unique start is enough) and/or your own text. Without question_id "
                        + "the only pending one is answered. With wait it then follows the resumed run.",
                following(schema().string("session_id", "The session (ses_...).").required("session_id")
                        .string("question_id", "The request (que_...), when several are pending.")
                        .answers("answers", "One entry per question, in order.")
                        .bool("reject", "Decline the question instead.")
                        .bool("wait", "Then follow the resumed run (default false).")),
                true, true, false, a -> {
                    Arguments.Line l = a.list("answer", a.session()).add(a.string("question_id"))
                            .flag("--reject", a.bool("reject"));
                    List<Arguments> answers = a.objects("answers");
                    for (int i = 0; i < answers.size(); i++) {
                        if (i > 0) {
                            l.add("--next");
                        }
                        for (String option : answers.get(i).strings("options")) {
                            l.value("--option", option);
                        }
                        l.value("--text", answers.get(i).string("text"));
                    }
                    if (a.bool("wait", false)) {
                        l.add("--wait");
                        waitOptions(a, l);
                    }
                    return new Command(l.args(), List.of(a.session()));
                }));
        tools.add(new Tool("abort_session", "Abort a run",
                "Stop a session's run and confirm it went idle (the session and its messages stay).",
                schema().string("session_id", "The session (ses_...).").required("session_id").build(),
                true, false, false, a -> command(a.list("abort", a.session()))));
        tools.add(new Tool("export_session", "Export a session",
                "A session as a Markdown transcript: each turn with its text, tool calls (input and output), "
                        + "errors and changed files, then totals and findings. Long sessions are long: give "
                        + "`path` (absolute, a file that does not exist yet) to write it there and get "
                        + "{path, bytes} back instead.",
                schema().string("session_id", "The session (ses_...).").required("session_id")
                        .bool("full", "Texts, tool inputs and outputs whole (default: trimmed).")
                        .bool("thinking", "Reasoning too.")
                        .string("path", "Write the Markdown to this new file (an absolute path; written whole, or "
                                + "not at all).").build(),
                false, false, false, a -> {
                    Path path = newFile(a.string("path"));
                    return new Command(a.list("export", a.session()).value("--format", "md")
                            .flag("--full", a.bool("full")).flag("--thinking", a.bool("thinking"))
                            .value("--output", path).args(), null, List.of(), path);
                }));
        tools.add(new Tool("server_status", "Check the server",
                "Check the opencode server and ocs's setup end to end (server, credentials, version, proxy, "
                        + "providers, default model), each ok / warn / fail with what to do. With probe, also "
                        + "send a tiny prompt to the model (this costs a model call).",
                schema().string("probe", "PROVIDER/MODEL to probe, or \"default\" for the default model.").build(),
                true, false, false, a -> {
                    String probe = a.string("probe");
                    Arguments.Line l = a.list("doctor");
                    if ("default".equals(probe)) {
                        l.add("--probe");
                    } else {
                        l.value("--probe", probe);
                    }
                    return command(l);
                }));
        return tools;
    }

    private static Command command(Arguments.Line l) {
        return new Command(l.args(), List.of());
    }

    /** The options every tool that waits takes. */
    private static Map<String, Object> following(Schema s) {
        return waiting(s).bool("full_report", "Return the whole report of the run, every message with its texts "
                + "and tool outputs whole, instead of the brief one (can be large).").build();
    }

    private static Schema waiting(Schema s) {
        return s.integer("timeout_seconds", "How long to wait (default " + DEFAULT_TIMEOUT_SECONDS
                        + "); the run goes on after it.")
                .integer("max_retries", "Stop waiting once the server has retried the provider more often "
                        + "(default 3).", 0)
                .number("max_cost", "Abort the run once it has cost more than this many USD.")
                .integer("max_tokens", "Abort the run once it has used more tokens.")
                .bool("abort_on_cancel", "If this call is cancelled, also abort the run (default false: "
                        + "the run goes on).");
    }

    /** send, approve and answer's --wait: the report of the run, brief unless asked for whole. */
    private static void waitOptions(Arguments a, Arguments.Line l) {
        boolean whole = a.bool("full_report");
        budgetAndTimeout(a, l.flag("--brief", !whole).flag("--full", whole));
    }

    private static void budgetAndTimeout(Arguments a, Arguments.Line l) {
        Long timeout = a.integer("timeout_seconds");
        l.value("--timeout", (timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout) + "s")
                .value("--max-retries", a.integer("max_retries")).value("--max-cost", a.number("max_cost"))
                .value("--max-tokens", a.integer("max_tokens"));
    }

    /** export's {@code path}: absolute (the model cannot know ocs's working directory), and not there yet. */
    private static Path newFile(String path) {
        if (path == null) {
            return null;
        }
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            throw new Arguments.Invalid("argument 'path' must be an absolute path, not '" + path + "'");
        }
        if (Files.exists(p)) {
            throw new Arguments.Invalid("argument 'path': " + path + " exists already; give a new file");
        }
        return p;
    }

    static Schema schema() {
        return new Schema();
    }

    /** A JSON schema of an object's properties, as the SDK takes it (a map). */
    static final class Schema {
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final List<String> required = new ArrayList<>();

        private Schema prop(String name, Map<String, Object> p) {
            properties.put(name, p);
            return this;
        }

        private static Map<String, Object> typed(String type, String description) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("type", type);
            p.put("description", description);
            return p;
        }

        Schema string(String name, String description) {
            return prop(name, typed("string", description));
        }

        /** A whole number from {@code min} on. */
        Schema integer(String name, String description, int min) {
            Map<String, Object> p = typed("integer", description);
            p.put("minimum", min);
            return prop(name, p);
        }

        Schema integer(String name, String description) {
            return integer(name, description, 1);
        }

        /** A number above 0. */
        Schema number(String name, String description) {
            Map<String, Object> p = typed("number", description);
            p.put("exclusiveMinimum", 0);
            return prop(name, p);
        }

        Schema bool(String name, String description) {
            return prop(name, typed("boolean", description));
        }

        Schema enumeration(String name, String description, String... values) {
            Map<String, Object> p = typed("string", description);
            p.put("enum", List.of(values));
            return prop(name, p);
        }

        Schema strings(String name, String description) {
            Map<String, Object> p = typed("array", description);
            p.put("items", Map.of("type", "string"));
            p.put("minItems", 1);
            return prop(name, p);
        }

        Schema answers(String name, String description) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("type", "object");
            item.put("properties", Map.of(
                    "options", Map.of("type", "array", "items", Map.of("type", "string"),
                            "description", "Option labels chosen."),
                    "text", Map.of("type", "string", "description", "An answer in your own words.")));
            item.put("additionalProperties", false);
            Map<String, Object> p = typed("array", description);
            p.put("items", item);
            return prop(name, p);
        }

        Schema required(String... names) {
            required.addAll(List.of(names));
            return this;
        }

        Map<String, Object> build() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", "object");
            s.put("properties", properties);
            if (!required.isEmpty()) {
                s.put("required", required);
            }
            s.put("additionalProperties", false);
            return s;
        }
    }
}

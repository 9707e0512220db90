package dev.ocs.session;

import dev.ocs.Shell;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Finding.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The failure patterns of the original skill's parse_session.py, and what the real server showed beyond
 * them. Each rule looks only at evidence that proves it: a finding never contradicts the messages.
 */
public final class Diagnosis {
    public static final String MODEL_CONNECT_FAILED = "model-connect-failed";
    public static final String STOP_WITHOUT_TEXT = "stop-without-text";
    public static final String REASONING_EXHAUSTED = "reasoning-exhausted";
    public static final String MODEL_MISMATCH = "model-mismatch";
    public static final String ZERO_TOKENS = "zero-tokens";
    public static final String MESSAGE_ERROR = "message-error";
    public static final String RETRYING = "retrying";
    public static final String PERMISSION_PENDING = "permission-pending";
    public static final String QUESTION_PENDING = "question-pending";
    public static final String TOOL_ERROR = "tool-error";
    public static final String NO_REPLY = "no-reply";
    public static final String STUCK = "stuck";
    public static final String BUDGET_EXCEEDED = "budget-exceeded";

    /** Soft reasoning rule: at least this many reasoning tokens, output at most a tenth of them, no text. */
    public static final long REASONING_MIN = 1000;
    public static final long REASONING_RATIO = 10;

    /** What a retry message says when the provider could not be reached at all (vs. its own error). */
    private static final Pattern CONNECTION = Pattern.compile(
            "cannot connect|unable to connect|could not connect|failed to connect|connection refused|econnrefused"
                    + "|econnreset|enotfound|eai_again|fetch failed|socket|network|timed out|timeout|unreachable"
                    // the /api generation's words for a provider it cannot reach
                    + "|transport failed",
            Pattern.CASE_INSENSITIVE);

    private final String ocs;
    private final String expectModel;
    private List<String> streamErrors = List.of();
    private Budget budget;

    /**
     * @param ocs the command prefix for advice ("ocs", or "ocs --url …" when not the default)
     * @param expectModel "provider/model" every answer should come from, or null
     */
    public Diagnosis(String ocs, String expectModel) {
        this.ocs = ocs;
        this.expectModel = expectModel;
    }

    /** Errors seen on the event stream (session.error): the only place an unknown model's error shows. */
    public Diagnosis withStreamErrors(List<String> errors) {
        this.streamErrors = List.copyOf(errors);
        return this;
    }

    /** The budget of the session's newest run ({@code --max-cost}, {@code --max-tokens}), or null for none. */
    public Diagnosis withBudget(Budget budget) {
        this.budget = budget;
        return this;
    }

    /** A finding that only says the run waits on a person (exit 8 when nothing else is wrong). */
    public static boolean waitsOnPerson(Finding f) {
        return f.code().equals(PERMISSION_PENDING) || f.code().equals(QUESTION_PENDING);
    }

    public static boolean isConnectionFailure(String message) {
        return message != null && CONNECTION.matcher(message).find();
    }

    /** The findings of a session whose messages are read one at a time, in order, and then let go. */
    public Run start(SessionInfo session, Status status, Waiting waiting) {
        return new Run(session.id(), status, waiting);
    }

    /**
     * One session's diagnosis, fed its messages in order. It keeps what the rules need across messages and no
     * more: the model the newest prompts asked for (an answer's parent), and the newest assistant message, which
     * is judged when the next one arrives or at the end (the rules treat the last answer differently).
     */
    public final class Run {
        /** Answers follow their prompt closely; a few dozen prompts back is more than any real session needs. */
        private static final int PROMPTS_KEPT = 64;

        private final String sid;
        private final Status status;
        private final Waiting waiting;
        private final boolean retryConnect;
        private final List<Finding> out = new ArrayList<>();
        private final Map<String, String> promptModels = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > PROMPTS_KEPT;
            }
        };
        private String previousUserModel;
        private Message pending;
        private String pendingAsked;
        private Message last;
        /** What the newest run (the assistant messages after the newest prompt) spent, for the budget. */
        private Budget.Spend spent = Budget.Spend.NONE;
        private String lastAnswer;

        private Run(String sid, Status status, Waiting waiting) {
            this.sid = sid;
            this.status = status;
            this.waiting = waiting;
            this.retryConnect = status.retry() && isConnectionFailure(status.message());
        }

        public void message(Message m) {
            last = m;
            spent = spent.after(m);
            if (m.isUser()) {
                previousUserModel = m.model();
                if (m.id != null) {
                    promptModels.put(m.id, previousUserModel);
                }
            } else if (m.isAssistant()) {
                lastAnswer = m.id;
                judgePending(false);
                pending = m;
                pendingAsked = m.parentID != null && promptModels.containsKey(m.parentID)
                        ? promptModels.get(m.parentID) : previousUserModel;
            }
        }

        private void judgePending(boolean isLast) {
            if (pending != null) {
                assistant(out, pending, pendingAsked, isLast, status, retryConnect);
                pending = null;
            }
        }

        /** Ends the run (call it once): the last answer is judged, then the status, permissions and last message. */
        public List<Finding> findings() {
            Message lastAssistant = pending;
            judgePending(true);
            if (status.retry()) {
                retrying(lastAssistant);
            }
            for (Permission p : waiting.permissions()) {
                permission(p);
            }
            for (Question q : waiting.questions()) {
                question(q);
            }
            noReply(out, last, status);
            if (budget != null && budget.passedBy(spent)) {
                out.add(new Finding(BUDGET_EXCEEDED, Severity.ERROR, lastAnswer,
                        "the run passed its budget: it used " + Budget.describe(spent),
                        "the run since the newest prompt used " + Budget.describe(spent) + "; the budget was "
                                + budget.limits(),
                        "ocs stops a run that passes its budget before its next step (one step can pass it on its "
                                + "own): raise the budget, or go on with '" + ocs + " send -s " + sid + " \"…\"'",
                        BUDGET_EXCEEDED));
            }
            return out;
        }

        private void retrying(Message lastAssistant) {
            String mid = lastAssistant != null && lastAssistant.completed == null ? lastAssistant.id : null;
            String next = status.next() == null ? "" : "; next try at " + UtcTime.time(status.next());
            out.add(new Finding(RETRYING, Severity.ERROR, mid,
                    "the server keeps retrying the model call (attempt " + (status.attempt() == null ? "?"
                            : status.attempt()) + ")",
                    "status retry: \"" + nullToEmpty(status.message()) + "\"" + next,
                    retryConnect ? "opencode cannot reach the provider: check its baseURL, that the model server "
                            + "runs, and that no HTTP_PROXY catches the call (start the server with proxy variables "
                            + "unset or NO_PROXY covering the model host); stop the loop with '" + ocs + " abort "
                            + sid + "'"
                            : "the provider keeps answering errors: check its status and the model id; stop the loop "
                            + "with '" + ocs + " abort " + sid + "'",
                    retryConnect && mid != null ? "connect:" + mid : RETRYING));
        }

        private void permission(Permission p) {
            out.add(new Finding(PERMISSION_PENDING, Severity.WARNING, p.messageID(),
                    "waiting on permission to run " + nullToEmpty(p.permission()) + ": " + p.patternText(),
                    "request " + p.id() + ": " + nullToEmpty(p.permission()) + " " + p.patternText()
                            + (p.callID() == null ? "" : " (tool call " + p.callID() + ")"),
                    "answer it: '" + ocs + " approve " + sid + " " + p.id() + "' (add --always to allow it from "
                            + "now on, or --reject)",
                    PERMISSION_PENDING + ":" + p.id()));
        }

        private void question(Question q) {
            out.add(new Finding(QUESTION_PENDING, Severity.WARNING, q.messageID(),
                    "waiting on an answer to " + (q.questions().size() == 1 ? "a question" : q.questions().size()
                            + " questions") + ": " + OpencodeClient.oneLine(q.summary(), 200),
                    "request " + q.id() + (q.callID() == null ? "" : " (tool call " + q.callID() + ")") + ": "
                            + OpencodeClient.oneLine(q.summary(), 300),
                    "answer it: '" + answerCommand(ocs, q) + "' (--text for an answer of your own, --reject to "
                            + "decline)",
                    QUESTION_PENDING + ":" + q.id()));
        }
    }

    /** @param asked the model the answer's prompt asked for, if known */
    private void assistant(List<Finding> out, Message a, String asked, boolean last, Status status,
                           boolean retryConnect) {
        boolean retryingThis = last && status.retry();
        boolean over = a.completed != null || a.error != null || status.idle() || retryingThis;
        boolean providerAnswered = retryingThis && !retryConnect
                || a.error != null && a.error.statusCode() != null;
        boolean reached = a.tokens.input() > 0 || a.finish != null || a.modelProduced() || providerAnswered;
        boolean abortedFirst = a.error != null && a.error.aborted() && !(retryingThis && retryConnect);
        String connectGroup = "connect:" + a.id;

        if (!reached && over && !abortedFirst) {
            boolean connectionError = a.error == null ? !status.retry() || retryConnect
                    : isConnectionFailure(a.error.message());
            String evidence = "tokens " + tokens(a.tokens) + ", no part from the model, finish "
                    + (a.finish == null ? "none" : a.finish)
                    + (retryingThis ? "; server retrying: \"" + nullToEmpty(status.message()) + "\"" : "")
                    + (a.error != null ? "; error " + a.error.describe() : "");
            if (connectionError) {
                out.add(new Finding(MODEL_CONNECT_FAILED, Severity.ERROR, a.id,
                        "model failed to connect" + (a.model() == null ? "" : " (" + a.model() + ")"), evidence,
                        "opencode's call to the model never got an answer: check the provider's baseURL and that "
                                + "its server runs, and that no HTTP_PROXY intercepts it (ocs serve-check warns)",
                        connectGroup));
            }
            if (a.tokens.allZero()) {
                out.add(new Finding(ZERO_TOKENS, Severity.WARNING, a.id,
                        "all token counts are 0: the request never reached the model server", evidence,
                        connectionError ? "see 'model failed to connect'"
                                : "the call failed before the model ran: see the message's error",
                        connectGroup));
            }
        }

        if ("stop".equals(a.finish) && !a.hasText()) {
            String which;
            if (a.has("tool")) {
                which = "the model answered with tool calls only";
            } else if (a.has("reasoning")) {
                which = "the answer was left in the reasoning (" + reasoningChars(a) + " characters), no text";
            } else {
                which = "the model sent an empty reply";
            }
            out.add(new Finding(STOP_WITHOUT_TEXT, Severity.WARNING, a.id, "finished (stop) without text: " + which,
                    "finish stop, tokens " + tokens(a.tokens) + ", parts: " + partTypes(a),
                    a.has("reasoning") ? "the model may put its answer in reasoning: try --thinking, or a model or "
                            + "setting that writes the answer as text"
                            : "the model chose to say nothing: check the prompt and the model; empty replies with "
                            + "input tokens > 0 mean the model was reached",
                    STOP_WITHOUT_TEXT + ":" + a.id));
        }

        Tokens t = a.tokens;
        boolean clear = "length".equals(a.finish) && t.reasoning() > 0 && t.reasoning() >= t.output();
        boolean soft = t.reasoning() >= REASONING_MIN && t.output() * REASONING_RATIO <= t.reasoning() && !a.hasText();
        if (clear || soft) {
            out.add(new Finding(REASONING_EXHAUSTED, clear ? Severity.ERROR : Severity.WARNING, a.id,
                    "thinking consumed the budget: " + t.reasoning() + " reasoning tokens, " + t.output() + " output",
                    "finish " + (a.finish == null ? "none" : a.finish) + ", reasoning " + t.reasoning()
                            + ", output " + t.output() + (a.hasText() ? "" : ", no text"),
                    "raise the output limit, lower the reasoning effort, or ask for less",
                    REASONING_EXHAUSTED + ":" + a.id));
        }

        String expected = expectModel != null ? expectModel : asked;
        String got = a.model();
        if (expected != null && got != null && !expected.equals(got)) {
            out.add(new Finding(MODEL_MISMATCH, Severity.WARNING, a.id,
                    "answered by " + got + ", not " + expected,
                    (expectModel != null ? "--expect-model " : "the prompt asked for ") + expected + "; the answer "
                            + "came from " + got,
                    "check the model in the prompt (ocs send -m provider/model) and the agent's configured model",
                    MODEL_MISMATCH + ":" + a.id));
        }

        if (a.error != null) {
            MessageError e = a.error;
            out.add(new Finding(MESSAGE_ERROR, e.aborted() ? Severity.WARNING : Severity.ERROR, a.id,
                    e.aborted() ? "the run was aborted" + (a.modelProduced() ? " after the model had started"
                            : " before the model answered") : "the message ended with " + e.name(),
                    "error " + e.describe(), advice(e), MESSAGE_ERROR + ":" + a.id));
        }

        for (Part p : a.parts) {
            if (p.type.equals("tool") && "error".equals(p.status)) {
                // opencode's words when a question is rejected (ocs answer --reject, --on-question reject).
                boolean declined = "question".equals(p.tool) && p.error != null && p.error.contains("dismissed");
                out.add(new Finding(TOOL_ERROR, Severity.WARNING, a.id,
                        declined ? "the question was declined, and the run stopped there" : "tool " + p.tool + " failed",
                        (p.input == null ? "" : "input: " + p.input + "; ") + "error: "
                                + OpencodeClient.oneLine(p.error, 300),
                        declined ? "send a prompt with the answer to go on: '" + ocs + " send -s " + a.sessionID
                                + " \"…\"'"
                                : "the model usually sees the error and tries again; if the run stopped here, fix "
                                + "what the error names",
                        TOOL_ERROR + ":" + p.callID));
            }
        }

        if (status.idle() && a.completed == null && a.error == null) {
            out.add(new Finding(STUCK, Severity.ERROR, a.id, "the answer never completed, and the session is idle",
                    "no time.completed, no error, finish " + (a.finish == null ? "none" : a.finish)
                            + ", parts: " + partTypes(a),
                    "the run ended without finishing (server restarted or crashed?): check the server log and send "
                            + "the prompt again",
                    STUCK + ":" + a.id));
        }
    }

    private void noReply(List<Finding> out, Message last, Status status) {
        if (!status.idle() || last == null || !last.isUser()) {
            return;
        }
        out.add(new Finding(NO_REPLY, Severity.ERROR, last.id,
                "the last prompt got no reply" + (last.model() == null ? "" : " from " + last.model()),
                "the session is idle and no assistant message follows " + last.id
                        + (last.model() == null ? "" : "; it asked for " + last.model())
                        + (streamErrors.isEmpty() ? "" : "; the event stream said: " + String.join("; ", streamErrors)),
                "an unknown model or provider leaves exactly this, and its error ('Model not found') reaches only "
                        + "the event stream: '" + ocs + " send --wait' or '" + ocs + " watch' shows it; check the "
                        + "model id against the server's providers",
                NO_REPLY));
    }

    /**
     * The command that answers a question request, with each question's first option: {@code ocs answer SID
     * QUE_ID --option Postgres --next --option Docker}.
     */
    public static String answerCommand(String ocs, Question q) {
        StringBuilder sb = new StringBuilder(ocs).append(" answer ").append(q.sessionID()).append(' ').append(q.id());
        boolean first = true;
        for (Question.Item item : q.questions()) {
            if (!first) {
                sb.append(" --next");
            }
            first = false;
            if (item.options().isEmpty()) {
                sb.append(" --text '…'");
            } else {
                sb.append(" --option ").append(Shell.quote(item.options().get(0).label()));
            }
        }
        return sb.toString();
    }

    private static String advice(MessageError e) {
        return switch (e.name()) {
            case "MessageAbortedError" -> "the run was stopped (an abort from ocs, the TUI or an API client); send "
                    + "the prompt again to retry";
            case "ProviderAuthError" -> "the provider rejected the credentials: check the API key for that provider";
            case "APIError" -> "the provider answered an error: check the model id, the provider's status and "
                    + "limits";
            case "ContextOverflowError" -> "the conversation no longer fits the model's context: compact the "
                    + "session or start a new one";
            case "MessageOutputLengthError" -> "the reply hit the output token limit: ask for less or raise the limit";
            case "ContentFilterError" -> "the provider's content filter blocked the reply: rephrase the prompt";
            case "StructuredOutputError" -> "the model's reply did not match the requested output format";
            default -> "read the error text; the server log may say more";
        };
    }

    private static int reasoningChars(Message a) {
        return a.parts.stream().filter(p -> p.type.equals("reasoning")).mapToInt(p -> p.chars).sum();
    }

    static String partTypes(Message a) {
        if (a.parts.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (Part p : a.parts) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(p.type.equals("tool") ? "tool " + p.tool + " (" + p.status + ")" : p.type);
        }
        return sb.toString();
    }

    static String tokens(Tokens t) {
        return "in " + t.input() + " out " + t.output() + " reasoning " + t.reasoning() + " cache "
                + t.cacheRead() + "/" + t.cacheWrite();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

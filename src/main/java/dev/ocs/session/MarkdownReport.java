package dev.ocs.session;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A session as a Markdown transcript a person reads or pastes into an issue: a header (model, tokens, cost, time),
 * each turn with its text, tool calls with their input and output in fenced blocks, errors, and the findings at the
 * end. Written as the messages are read, like the other reports, so a session of any size takes little memory.
 * Fences are longer than any run of backticks in what they hold, so no text the server sent can end them.
 */
public final class MarkdownReport implements ReportView {
    private final PrintWriter out;
    private final ReadOptions opt;
    private String model;

    public MarkdownReport(PrintWriter out, ReadOptions opt) {
        this.out = out;
        this.opt = opt;
    }

    @Override
    public void head(String url, SessionInfo si, Status status, Waiting waiting) {
        out.println("# " + escape(si.title() == null ? "Session " + si.id() : si.title()));
        out.println();
        out.println("| | |");
        out.println("|---|---|");
        row("Session", "`" + si.id() + "`" + (si.parentID() == null ? "" : " (child of `" + si.parentID() + "`)"));
        row("Server", url + (si.version() == null ? "" : " (opencode " + si.version() + ")"));
        if (si.directory() != null) {
            row("Directory", "`" + escape(si.directory()) + "`");
        }
        if (si.model() != null) {
            row("Model", "`" + si.model() + "`");
            model = si.model();
        }
        if (si.tokens() != null) {
            row("Tokens", tokens(si.tokens()));
        }
        if (si.cost() != null) {
            row("Cost", "$" + HumanReport.fixed(si.cost(), 4));
        }
        if (si.created() != null) {
            row("Time", UtcTime.dateTime(si.created()) + (si.updated() == null ? ""
                    : " to " + UtcTime.dateTime(si.updated()) + " (" + duration(si.updated() - si.created()) + ")"));
        }
        row("Status", status.type() + (waiting.permissions().isEmpty() && waiting.questions().isEmpty() ? ""
                : ", waiting on a person"));
    }

    @Override
    public void message(Message m) {
        out.println();
        List<String> facts = new ArrayList<>();
        if (m.isAssistant()) {
            if (m.model() != null && !m.model().equals(model)) {
                facts.add("`" + m.model() + "`");
            }
            if (m.agent != null) {
                facts.add("agent " + m.agent);
            }
            if (m.finish != null) {
                facts.add("finish " + m.finish);
            }
            if (m.durationMs() != null) {
                facts.add(HumanReport.fixed(m.durationMs() / 1000.0, 1) + " s");
            }
            facts.add(tokens(m.tokens));
            facts.add("$" + HumanReport.fixed(m.cost, 4));
        }
        String role = m.isUser() ? "User" : m.isAssistant() ? "Assistant" : m.role;
        out.println("## " + escape(role) + (m.created == null ? "" : " · " + UtcTime.time(m.created)));
        out.println();
        out.println("<sub>`" + (m.id == null ? "?" : m.id) + "`" + (facts.isEmpty() ? "" : " · "
                + String.join(" · ", facts)) + "</sub>");
        if (m.error != null) {
            out.println();
            out.println("> **Error:** " + escape(oneLine(m.error.describe())));
        }
        for (Part p : m.parts) {
            part(p);
        }
    }

    private void part(Part p) {
        switch (p.type) {
            case "text" -> {
                if (p.text != null && !p.blank) {
                    out.println();
                    out.println(p.text.strip() + more(p.trimmed, p.chars - p.text.length()));
                }
            }
            case "reasoning" -> {
                if (p.blank) {
                    return;
                }
                out.println();
                if (p.text == null) {
                    out.println("*Reasoning: " + p.chars + " characters (--thinking includes it).*");
                } else {
                    out.println("<details><summary>Reasoning (" + p.chars + " characters)</summary>");
                    out.println();
                    fenced("text", p.text.strip() + more(p.trimmed, p.chars - p.text.length()));
                    out.println("</details>");
                }
            }
            case "tool" -> {
                out.println();
                out.println("**Tool `" + (p.tool == null ? "?" : p.tool.replace("`", "")) + "`** ("
                        + (p.status == null ? "?" : p.status) + ")" + (p.title == null || p.title.isBlank() ? ""
                        : ": " + escape(oneLine(p.title))));
                if (p.inputJson != null) {
                    out.println();
                    fenced("json", p.inputJson + more(p.inputTrimmed, 0));
                }
                if (p.output != null && !p.output.isBlank()) {
                    out.println();
                    out.println("Output:");
                    out.println();
                    fenced("text", p.output.stripTrailing() + more(p.outputTrimmed, p.outputChars - p.output.length()));
                }
                if (p.error != null) {
                    out.println();
                    out.println("Error:");
                    out.println();
                    fenced("text", p.error.stripTrailing());
                }
            }
            case "file" -> {
                out.println();
                out.println("*File: " + escape((p.filename == null ? "" : p.filename + " ")
                        + (p.mime == null ? "" : "(" + p.mime + ")")).strip() + "*");
            }
            case "patch" -> {
                if (p.files != null && !p.files.isEmpty()) {
                    out.println();
                    out.println("*Changed: " + escape(String.join(", ", p.files)) + "*");
                }
            }
            case "subtask" -> {
                out.println();
                out.println("**Subtask** " + escape((p.agent == null ? "" : p.agent + ": ")
                        + (p.description == null ? "" : p.description)));
                if (p.text != null) {
                    out.println();
                    fenced("text", p.text.strip() + more(p.trimmed, p.chars - p.text.length()));
                }
            }
            case "retry" -> {
                out.println();
                out.println("*Retry attempt " + (p.attempt == null ? "?" : p.attempt) + (p.error == null ? ""
                        : ": " + escape(oneLine(p.error))) + "*");
            }
            case "compaction" -> {
                out.println();
                out.println("*Compaction" + (Boolean.TRUE.equals(p.auto) ? " (automatic)" : "") + "*");
            }
            default -> { } // step-start, step-finish, snapshot, agent: in the message's line already, or nothing to read
        }
    }

    @Override
    public void end(Report r) {
        Report.Totals t = r.totals();
        out.println();
        out.println("## Totals");
        out.println();
        out.println(t.messages() + " messages (" + t.users() + " user, " + t.assistants() + " assistant) · "
                + tokens(r.tokens()) + " · $" + HumanReport.fixed(r.cost(), 4));
        out.println();
        out.println("## Findings");
        out.println();
        if (r.findings().isEmpty()) {
            out.println("No findings: nothing went wrong that ocs can see.");
        }
        for (Finding f : r.findings()) {
            out.println("- **" + f.severity().label() + "** `" + f.code() + "`: " + escape(oneLine(f.summary())));
            out.println("  - evidence: " + escape(oneLine(f.evidence())));
            out.println("  - do: " + escape(oneLine(f.advice())));
        }
        out.flush();
    }

    private void row(String name, String value) {
        out.println("| " + name + " | " + value.replace("|", "\\|").replace("\n", " ") + " |");
    }

    /** A fenced block that what it holds cannot close: a fence longer than its longest run of backticks. */
    private void fenced(String lang, String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        out.println(fence + lang);
        out.println(text);
        out.println(fence);
    }

    private static String more(boolean trimmed, int chars) {
        return trimmed ? "\n… [" + (chars > 0 ? chars + " more characters; " : "trimmed; ") + "--full shows all]"
                : "";
    }

    private static String tokens(Tokens t) {
        return "in " + t.input() + " · out " + t.output() + " · reasoning " + t.reasoning() + " · cache "
                + t.cacheRead() + "/" + t.cacheWrite();
    }

    private static String duration(long ms) {
        long s = ms / 1000;
        return s < 60 ? HumanReport.fixed(ms / 1000.0, 1) + " s" : s < 3600 ? s / 60 + " min " + s % 60 + " s"
                : s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Text that Markdown would otherwise read as markup at the start of a line or in a table. */
    private static String escape(String s) {
        return s.replace("<", "&lt;").replace(">", "&gt;");
    }
}

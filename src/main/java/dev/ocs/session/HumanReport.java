package dev.ocs.session;

import dev.ocs.http.OpencodeClient;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report a person reads: header, messages as they are read, then totals and findings grouped by cause. Fits
 * 80 columns. Every line goes out through {@link Style#clean}: what the server sent cannot reach the terminal as a
 * control character or escape sequence.
 */
public final class HumanReport implements ReportView {
    static final int WIDTH = 80;

    private final PrintWriter out;
    private final Style s;
    private final ReadOptions opt;
    private final boolean brief;

    public HumanReport(PrintWriter out, Style style, ReadOptions opt) {
        this(out, style, opt, false);
    }

    /** @param brief {@code inspect --brief}: the newest answer instead of the messages, findings bounded ({@link Brief}) */
    public HumanReport(PrintWriter out, Style style, ReadOptions opt, boolean brief) {
        this.out = out;
        this.s = style;
        this.opt = opt;
        this.brief = brief;
    }

    @Override
    public void head(String url, SessionInfo si, Status status, Waiting waiting) {
        println(s.bold("Session " + si.id()) + (si.title() == null ? "" : "  " + clip(si.title(), 50)));
        field("server", url + (si.version() == null ? "" : " (opencode " + si.version() + ")"));
        if (si.directory() != null) {
            field("directory", si.directory());
        }
        if (si.parentID() != null) {
            field("parent", si.parentID());
        }
        field("status", status(status, waiting));
        if (si.created() != null) {
            field("created", UtcTime.dateTime(si.created())
                    + (si.updated() == null ? "" : "   updated " + UtcTime.dateTime(si.updated())));
        }
    }

    @Override
    public void message(Message m) {
        out.println();
        render(m);
    }

    @Override
    public void end(Report r) {
        Report.Totals t = r.totals();
        if (brief && r.finalText() != null) {
            out.println();
            println(s.bold("Newest answer") + (r.finalChars() > Brief.ANSWER ? " (" + r.finalChars()
                    + " characters, the first " + Brief.ANSWER + ")" : ""));
            line("  ", Brief.clip(r.finalText(), Brief.ANSWER));
        }
        out.println();
        println(s.bold("Totals"));
        field("messages", t.messages() + " (" + t.users() + " user, " + t.assistants() + " assistant)"
                + (t.partial() ? ", not all of the session's" : ""));
        field("tokens", tokens(r.tokens()));
        field("cost", money(r.cost()));
        out.println();
        findings(r);
        out.flush();
    }

    private String status(Status st, Waiting waiting) {
        List<Permission> permissions = waiting.permissions();
        List<Question> questions = waiting.questions();
        String text = st.type();
        if (st.retry()) {
            text = "retry, attempt " + (st.attempt() == null ? "?" : st.attempt()) + ": "
                    + clip(st.message() == null ? "" : st.message(), 300);
        }
        if (!permissions.isEmpty()) {
            text += ", waiting on " + permissions.size() + " permission" + (permissions.size() == 1 ? "" : "s");
        }
        if (!questions.isEmpty()) {
            text += (permissions.isEmpty() ? ", waiting on " : " and ") + questions.size() + " question"
                    + (questions.size() == 1 ? "" : "s");
        }
        return st.idle() ? s.green(text) : s.yellow(text);
    }

    private void render(Message m) {
        StringBuilder head = new StringBuilder();
        head.append(s.bold(m.role)).append(' ').append(s.dim(m.id == null ? "?" : m.id));
        if (m.created != null) {
            head.append("  ").append(UtcTime.time(m.created));
        }
        println(head.toString());
        List<String> facts = new ArrayList<>();
        if (m.model() != null) {
            facts.add((m.isUser() ? "asks " : "") + m.model());
        }
        if (m.agent != null) {
            facts.add("agent " + m.agent);
        }
        if (m.isAssistant()) {
            facts.add("finish " + (m.finish == null ? "none" : m.finish));
            if (m.durationMs() != null) {
                facts.add(fixed(m.durationMs() / 1000.0, 1) + " s");
            } else if (m.error == null) {
                facts.add("not completed");
            }
        }
        if (!facts.isEmpty()) {
            line("  ", String.join(" · ", facts));
        }
        if (m.isAssistant()) {
            line("  ", "tokens " + tokens(m.tokens) + " · cost " + money(m.cost));
            if (m.error != null) {
                line("  ", s.red("error " + m.error.describe()));
            }
        }
        for (Part p : m.parts) {
            part(p);
        }
    }

    private void part(Part p) {
        switch (p.type) {
            case "text" -> block("text", p.text, p.chars, p.trimmed);
            case "reasoning" -> {
                if (p.text != null) {
                    block(s.dim("reasoning"), p.text, p.chars, p.trimmed);
                } else {
                    line("  ", s.dim("reasoning: " + p.chars + " characters (--thinking shows it)"));
                }
            }
            case "tool" -> {
                String st = p.status == null ? "?" : p.status;
                String coloured = "error".equals(st) ? s.red(st) : "completed".equals(st) ? s.green(st) : s.yellow(st);
                line("  ", "tool " + s.bold(p.tool == null ? "?" : p.tool) + " [" + coloured + "]"
                        + (p.input == null ? "" : " " + p.input));
                if (p.output != null && !p.output.isBlank()) {
                    block("output", p.output, p.outputChars, p.outputTrimmed, "    ");
                }
                if (p.error != null) {
                    block(s.red("error"), p.error, p.error.length(), false, "    ");
                }
            }
            case "step-start" -> line("  ", s.dim("step start"));
            case "step-finish" -> line("  ", s.dim("step finish " + (p.reason == null ? "" : p.reason)
                    + (p.tokens == null ? "" : " (" + tokens(p.tokens) + ")")));
            case "file" -> line("  ", "file " + (p.filename == null ? "" : p.filename + " ")
                    + (p.mime == null ? "" : "(" + p.mime + ") ") + (p.url == null ? "" : clip(p.url, 60)));
            case "patch" -> line("  ", "patch " + (p.files == null ? 0 : p.files.size()) + " file(s)"
                    + (p.files == null || p.files.isEmpty() ? "" : ": " + String.join(", ", p.files)));
            case "subtask" -> line("  ", "subtask " + (p.agent == null ? "" : p.agent + ": ")
                    + (p.description == null ? "" : p.description));
            case "agent" -> line("  ", "agent " + p.agent);
            case "compaction" -> line("  ", "compaction" + (Boolean.TRUE.equals(p.auto) ? " (automatic)" : ""));
            case "retry" -> line("  ", s.yellow("retry attempt " + (p.attempt == null ? "?" : p.attempt))
                    + (p.error == null ? "" : ": " + p.error));
            case "snapshot" -> { }
            default -> line("  ", s.dim(p.type + " part" + (p.keys == null || p.keys.isEmpty() ? ""
                    : " (" + String.join(", ", p.keys) + ")")));
        }
    }

    private void findings(Report r) {
        if (r.findings().isEmpty()) {
            println(s.green("No findings: nothing went wrong that ocs can see."));
            return;
        }
        Map<String, List<Finding>> groups = new LinkedHashMap<>();
        for (Finding f : brief ? Brief.shown(r.findings()) : r.findings()) {
            groups.computeIfAbsent(f.group(), k -> new ArrayList<>()).add(f);
        }
        println(s.bold("Findings") + " (" + groups.size() + ")");
        for (List<Finding> g : groups.values()) {
            Finding head = g.get(0);
            for (Finding f : g) {
                if (f.severity().ordinal() < head.severity().ordinal()) {
                    head = f;
                }
            }
            String mark = head.severity() == Finding.Severity.ERROR ? s.red("✗") : s.yellow("!");
            List<String> codes = new ArrayList<>();
            g.forEach(f -> codes.add(f.code()));
            out.println();
            line(mark + " ", s.bold(brief ? Brief.clip(head.summary()) : head.summary()));
            line("    ", s.dim(String.join(", ", codes) + (head.messageID() == null ? "" : " · " + head.messageID())));
            List<String> seen = new ArrayList<>();
            for (Finding f : g) {
                if (!seen.contains(f.evidence())) {
                    seen.add(f.evidence());
                    line("    evidence: ", brief ? Brief.clip(f.evidence()) : f.evidence());
                }
            }
            line("    do: ", brief ? Brief.clip(head.advice()) : head.advice());
        }
        Map<String, Integer> omitted = brief ? Brief.omitted(r.findings()) : Map.of();
        if (!omitted.isEmpty()) {
            List<String> counts = new ArrayList<>();
            omitted.forEach((code, n) -> counts.add(n + " " + code));
            out.println();
            line("  ", s.dim("and " + String.join(", ", counts) + " more (without --brief: all of them)"));
        }
    }

    private void field(String name, String value) {
        line("  " + name + " ".repeat(Math.max(0, 10 - name.length())) + " ", value);
    }

    private void block(String label, String text, int chars, boolean trimmed) {
        block(label, text, chars, trimmed, "  ");
    }

    private void block(String label, String text, int chars, boolean trimmed, String indent) {
        if (text == null) {
            return;
        }
        String body = text.strip();
        if (trimmed) {
            body += " … [" + (chars - text.length()) + " more characters; --full shows all]";
        }
        line(indent + label + ": ", body);
    }

    /**
     * Writes text after a first-line prefix, wrapped to the width, continuation lines indented to match. Linear in
     * the text's length (it walks each line by index), so a server's multi-MB string cannot stall the report.
     */
    private void line(String prefix, String text) {
        text = s.clean(text);
        int indent = visible(prefix);
        String pad = " ".repeat(indent);
        int room = Math.max(20, WIDTH - indent);
        boolean first = true;
        for (String raw : text.split("\n", -1)) {
            String l = raw.replace('\t', ' ');
            // Styled text (escapes) is never wrapped; otherwise break at the last space in the second half of the room.
            boolean wrap = l.indexOf('\u001b') < 0;
            int pos = 0;
            do {
                int end = wrap && l.length() - pos > room ? cutAt(l, pos, room) : l.length();
                out.println((first ? prefix : pad) + l.substring(pos, end).stripTrailing());
                first = false;
                pos = end;
                while (pos < l.length() && Character.isWhitespace(l.charAt(pos))) {
                    pos++;
                }
            } while (pos < l.length());
        }
    }

    /**
     * Where to break {@code l} after {@code pos}: at the last space in the second half of the room, but never
     * inside a quoted command ({@code 'ocs …'}), which stays whole so it can be copied: it moves to the next row,
     * or runs past the width when it is longer than a row. Looks only within the row, so it stays linear.
     */
    static int cutAt(String l, int pos, int room) {
        int end = pos + room;
        for (int i = pos + room; i > pos + room / 2; i--) {
            if (l.charAt(i) == ' ') {
                end = i;
                break;
            }
        }
        for (int open = end - 1; open >= pos; open--) {
            if (l.startsWith("'ocs ", open)) {
                int close = l.indexOf('\'', open + 1);
                int spanEnd = close < 0 ? l.length() : close + 1;
                if (end < spanEnd) {
                    return open > pos ? open : spanEnd;
                }
                break;
            }
        }
        return end;
    }

    private void println(String l) {
        out.println(s.clean(l));
    }

    private static final java.util.regex.Pattern SGR = java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");

    /** Length on screen: colour codes take no room. */
    private static int visible(String s) {
        return s.indexOf('\u001b') < 0 ? s.length() : SGR.matcher(s).replaceAll("").length();
    }

    static String tokens(Tokens t) {
        return "in " + t.input() + " · out " + t.output() + " · reasoning " + t.reasoning() + " · cache "
                + t.cacheRead() + "/" + t.cacheWrite();
    }

    private static String money(double cost) {
        return "$" + fixed(cost, 4);
    }

    /** {@code value} with {@code decimals} digits after the point (String.format is slow on long reports). */
    static String fixed(double value, int decimals) {
        long scale = decimals == 1 ? 10 : 10_000;
        if (Double.isNaN(value) || Double.isInfinite(value) || Math.abs(value) > Long.MAX_VALUE / scale) {
            return String.valueOf(value);
        }
        long v = Math.round(Math.abs(value) * scale);
        String frac = Long.toString(v % scale);
        return (value < 0 && v != 0 ? "-" : "") + v / scale + "." + "0".repeat(decimals - frac.length()) + frac;
    }

    private static String clip(String s, int max) {
        return OpencodeClient.oneLine(s, max);
    }
}

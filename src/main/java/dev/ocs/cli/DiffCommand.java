package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.session.FileDiff;
import dev.ocs.session.Part;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import dev.ocs.session.Style;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

public final class DiffCommand implements Callable<Integer> {
    private String sessionId;
    private boolean stat;

    private final Services services;
    final CommandSpec spec;

    DiffCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "diff", false, "The files a session changed, as a patch that 'git apply' and "
                + "'patch -p1' take: each prompt's changes in turn, oldest first.",
                "Exit 0 (no changes too), 5 no such session.");
        a.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        a.flag(v -> stat = v, OptionSpec.builder("--stat")
                .description("A table of the files changed, with lines added and removed, instead of the patch."));
        spec = a.spec();
    }

    /** One prompt's changes. */
    private record Turn(String messageID, List<FileDiff> files) {}

    /** A file's changes over the whole session. */
    private static final class Total {
        String first;
        String last;
        long additions;
        long deletions;

        String status() {
            if (first.equals("added")) {
                return last.equals("deleted") ? "added and deleted" : "added";
            }
            return last.equals("deleted") ? "deleted" : first.equals("deleted") ? "modified" : last;
        }
    }

    /** How long ocs asks again for the newest turn's changes when the server has not recorded them yet. */
    private static final long SETTLE_NS = 5_000_000_000L;

    @Override
    public Integer call() throws InterruptedException {
        String sid = Ids.session(sessionId);
        Sessions sessions = new Sessions(services.api());
        String dir = sessions.info(sid).directory();
        // opencode keeps each prompt's changes with its user message (the session-wide route answers [] on 1.18)
        List<String> prompts = new ArrayList<>();
        // the files each prompt's turn says it changed (its patch parts)
        Map<String, Set<String>> patched = new LinkedHashMap<>();
        sessions.messages(sid, 0, ReadOptions.DEFAULT, m -> {
            if (m.isUser() && m.id != null) {
                prompts.add(m.id);
            } else if (m.parentID != null) {
                for (Part part : m.parts) {
                    if ("patch".equals(part.type) && part.files != null && !part.files.isEmpty()) {
                        for (String file : part.files) {
                            patched.computeIfAbsent(m.parentID, k -> new TreeSet<>())
                                    .add(dir != null && file.startsWith(dir + "/") ? file.substring(dir.length() + 1) : file);
                        }
                    }
                }
            }
        });
        long settleUntil = System.nanoTime() + SETTLE_NS;
        Style style = new Style(services.colorOut());
        // Held until whole, as the reports are: a read that fails halfway prints no half patch.
        services.out().flush();
        HeldOutput held = new HeldOutput(services.stdout());
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(held, java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Total> totals = new LinkedHashMap<>();
        List<Turn> turns = new ArrayList<>();
        List<String> noPatch = new ArrayList<>();
        List<String> unrecorded = new ArrayList<>();
        for (String prompt : prompts) {
            List<FileDiff> files = FileDiff.listFrom(services.api().diff(sid, prompt));
            // opencode records a turn's changes after the turn has ended, in its own time: the newest turn, if its
            // messages say it changed files but it has none recorded yet, is asked again for a few seconds (an
            // older one whose changes came to nothing, a file made and removed again, costs no wait)
            boolean newest = prompt.equals(prompts.get(prompts.size() - 1));
            while (files.isEmpty() && newest && patched.containsKey(prompt) && System.nanoTime() < settleUntil) {
                Thread.sleep(250);
                files = FileDiff.listFrom(services.api().diff(sid, prompt));
            }
            if (files.isEmpty() && patched.containsKey(prompt)) {
                unrecorded.add(prompt + " (" + String.join(", ", patched.get(prompt)) + ")");
            }
            for (FileDiff f : files) {
                Total t = totals.computeIfAbsent(f.file(), k -> new Total());
                t.first = t.first == null ? f.status() : t.first;
                t.last = f.status();
                t.additions += f.additions();
                t.deletions += f.deletions();
                if (f.patch() == null) {
                    noPatch.add(f.file());
                } else if (!stat && !services.json()) {
                    // each turn's patch is written as it is read (held on disk past 1 MB, not in memory)
                    printPatch(out, style, f.patch());
                }
            }
            if (services.json() && !files.isEmpty()) {
                turns.add(new Turn(prompt, files));
            }
        }
        if (services.json()) {
            Output.json(out, json(sid, turns, totals));
        } else if (stat) {
            printStat(out, style, totals);
        }
        out.flush();
        held.release();
        for (String f : noPatch) {
            services.err().println("ocs: " + f + ": the server sent no patch for it (a binary or very large file)");
        }
        for (String u : unrecorded) {
            services.err().println("ocs: the server has recorded no changes for the turn of " + u
                    + ", though its messages say it changed those files");
        }
        if (totals.isEmpty() && !services.json()) {
            services.err().println("ocs: " + sid + " changed no files"
                    + (prompts.isEmpty() ? " (it has no prompts)" : ""));
        }
        return ExitCode.OK;
    }

    private static void printPatch(PrintWriter out, Style style, String patch) {
        String text = patch.endsWith("\n") ? patch.substring(0, patch.length() - 1) : patch;
        for (String line : text.split("\n", -1)) {
            String l = style.clean(line);
            if (!style.on()) {
                out.println(l);
            } else if (l.startsWith("diff --git") || l.startsWith("--- ") || l.startsWith("+++ ")
                    || l.startsWith("new file mode") || l.startsWith("deleted file mode")) {
                out.println(style.bold(l));
            } else if (l.startsWith("@@")) {
                out.println(style.cyan(l));
            } else if (l.startsWith("+")) {
                out.println(style.green(l));
            } else if (l.startsWith("-")) {
                out.println(style.red(l));
            } else {
                out.println(l);
            }
        }
    }

    private static void printStat(PrintWriter out, Style style, Map<String, Total> totals) {
        Table table = new Table(style);
        long add = 0;
        long del = 0;
        for (Map.Entry<String, Total> e : totals.entrySet()) {
            Total t = e.getValue();
            add += t.additions;
            del += t.deletions;
            table.row(1, style::green, e.getKey(), "+" + t.additions, "-" + t.deletions, t.status());
        }
        table.print(out);
        if (!totals.isEmpty()) {
            out.println(totals.size() + " file" + (totals.size() == 1 ? "" : "s") + " changed, " + add + " line"
                    + (add == 1 ? "" : "s") + " added, " + del + " removed");
        }
    }

    private static Map<String, Object> json(String sid, List<Turn> turns, Map<String, Total> totals) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("sessionID", sid);
        List<Object> files = new ArrayList<>();
        totals.forEach((file, t) -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("file", file);
            f.put("status", t.status());
            f.put("additions", t.additions);
            f.put("deletions", t.deletions);
            files.add(f);
        });
        doc.put("files", files);
        List<Object> list = new ArrayList<>();
        for (Turn turn : turns) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("messageID", turn.messageID());
            List<Object> changes = new ArrayList<>();
            for (FileDiff d : turn.files()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("file", d.file());
                f.put("status", d.status());
                f.put("additions", d.additions());
                f.put("deletions", d.deletions());
                f.put("patch", d.patch());
                changes.add(f);
            }
            t.put("files", changes);
            list.add(t);
        }
        doc.put("turns", list);
        return doc;
    }
}

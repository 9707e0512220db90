package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.SessionList;
import dev.ocs.session.SessionList.Row;
import dev.ocs.session.SessionList.State;
import dev.ocs.session.Style;
import dev.ocs.session.Tokens;
import dev.ocs.session.UtcTime;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

public final class ListCommand implements Callable<Integer> {
    private int limit;
    private boolean busy;
    private boolean roots;
    private String search;
    private boolean allServers;

    private final Services services;
    final CommandSpec spec;

    ListCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "list", false, "The server's sessions, most recently updated first, with what each "
                + "is doing (idle, busy, retry, permission, question, stuck), model, tokens and cost.",
                "Child sessions are shown under their parent.");
        a.option(Integer.class, v -> limit = v, OptionSpec.builder("-n", "--limit").paramLabel("N").defaultValue("20")
                .description("At most N sessions (default ${DEFAULT-VALUE})."));
        a.flag(v -> busy = v, OptionSpec.builder("--busy")
                .description("Only sessions working, retrying, waiting on a permission or a question, or stuck."));
        a.flag(v -> roots = v, OptionSpec.builder("--roots")
                .description("Leave out child sessions (those a task started)."));
        a.option(String.class, v -> search = v, OptionSpec.builder("--search").paramLabel("TEXT")
                .description("Only sessions whose title contains TEXT."));
        a.flag(v -> allServers = v, OptionSpec.builder("--all-servers")
                .description("Every server of the config file, asked at once, in one table with a SERVER column; "
                        + "a server that is down is one row."));
        spec = a.spec();
    }

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw OcsException.usage("--limit must be between 1 and 10000");
        }
        if (search != null && search.isBlank()) {
            throw OcsException.usage("--search needs some text");
        }
        SessionList.Query query = new SessionList.Query(limit, busy, roots, search);
        if (allServers) {
            return allServers(query);
        }
        SessionList.Listing listing = new SessionList(services.api()).read(query);
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("url", services.connection().displayUrl());
            doc.put("sessions", sessions(listing, null));
            doc.put("more", listing.more());
            Output.json(services.out(), doc);
        } else {
            human(List.of(new Block(null, services.ocsCommand(), services.connection().displayUrl(), listing, null)));
        }
        return ExitCode.OK;
    }

    /**
     * One server's part of the table: its listing, or why there is none.
     *
     * @param server the server's name with --all-servers, else null
     * @param ocs    the ocs command line that reaches it, for the advice
     */
    private record Block(String server, String ocs, String url, SessionList.Listing listing, OcsException failure) {}

    /** Every configured server, asked at once; a server that is down is one row. Exit 3 only when all are down. */
    private int allServers(SessionList.Query query) {
        List<Services.Target> targets = services.targets();
        List<String> names = targets.stream().map(t -> t.profile().name()).toList();
        List<Block> blocks = dev.ocs.session.Sessions.fourAtATime(names, name -> {
            Services.Target t = targets.get(names.indexOf(name));
            String ocs = "ocs --server " + name;
            try {
                return new Block(name, ocs, t.api().connection().displayUrl(), new SessionList(t.api()).read(query),
                        null);
            } catch (OcsException e) {
                return new Block(name, ocs, t.api().connection().displayUrl(), null,
                        new OcsException(e.exitCode(), t.api().connection().redact(e.getMessage())));
            }
        });
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            List<Object> servers = new ArrayList<>();
            List<Object> sessions = new ArrayList<>();
            for (Block b : blocks) {
                Map<String, Object> sv = new LinkedHashMap<>();
                sv.put("name", b.server());
                sv.put("url", b.url());
                sv.put("status", status(b));
                if (b.failure() != null) {
                    sv.put("error", b.failure().getMessage());
                } else {
                    sv.put("more", b.listing().more());
                    sessions.addAll(sessions(b.listing(), b.server()));
                }
                servers.add(sv);
            }
            doc.put("servers", servers);
            doc.put("sessions", sessions);
            Output.json(services.out(), doc);
        } else {
            human(blocks);
        }
        return blocks.stream().allMatch(b -> b.failure() != null) ? ExitCode.UNREACHABLE : ExitCode.OK;
    }

    /** "up", "down" (nothing answered), or "error" (it answered, but not with a list: credentials, not opencode). */
    private static String status(Block b) {
        return b.failure() == null ? "up" : b.failure().exitCode() == ExitCode.UNREACHABLE
                || b.failure().exitCode() == ExitCode.TIMEOUT ? "down" : "error";
    }

    private List<Object> sessions(SessionList.Listing listing, String server) {
        List<Object> sessions = new ArrayList<>();
        for (Row r : listing.rows()) {
            Map<String, Object> s = new LinkedHashMap<>();
            if (server != null) {
                s.put("server", server);
            }
            s.put("id", r.id());
            s.put("title", r.title());
            s.put("parentID", r.parentID());
            s.put("depth", r.depth());
            s.put("directory", r.directory());
            s.put("status", r.state().label());
            Map<String, Object> retry = null;
            if (r.status().retry()) {
                retry = new LinkedHashMap<>();
                retry.put("attempt", r.status().attempt());
                retry.put("message", r.status().message());
                retry.put("next", r.status().next());
            }
            s.put("retry", retry);
            List<Object> perms = new ArrayList<>();
            for (Permission p : r.permissions()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("id", p.id());
                pm.put("permission", p.permission());
                pm.put("patterns", p.patterns());
                perms.add(pm);
            }
            s.put("permissions", perms);
            List<Object> qs = new ArrayList<>();
            for (Question x : r.questions()) {
                Map<String, Object> qm = new LinkedHashMap<>();
                qm.put("id", x.id());
                List<Object> items = new ArrayList<>();
                for (Question.Item item : x.questions()) {
                    Map<String, Object> im = new LinkedHashMap<>();
                    im.put("question", item.question());
                    im.put("header", item.header());
                    List<String> labels = new ArrayList<>();
                    item.options().forEach(o -> labels.add(o.label()));
                    im.put("options", labels);
                    items.add(im);
                }
                qm.put("questions", items);
                qs.add(qm);
            }
            s.put("questions", qs);
            s.put("created", r.created());
            s.put("updated", r.updated());
            s.put("model", r.model());
            s.put("agent", r.agent());
            s.put("tokens", tokens(r.tokens()));
            s.put("cost", r.cost());
            sessions.add(s);
        }
        return sessions;
    }

    static Map<String, Object> tokens(Tokens t) {
        if (t == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", t.input());
        m.put("output", t.output());
        m.put("reasoning", t.reasoning());
        m.put("cacheRead", t.cacheRead());
        m.put("cacheWrite", t.cacheWrite());
        return m;
    }

    private void human(List<Block> blocks) {
        PrintWriter out = services.out();
        PrintWriter err = services.err();
        boolean multi = blocks.get(0).server() != null;
        if (!multi && blocks.get(0).listing().rows().isEmpty()) {
            err.println("ocs: no " + (busy ? "busy " : "") + "sessions" + (search != null ? " matching '"
                    + OpencodeClient.oneLine(search, 40) + "'" : "") + " on " + blocks.get(0).url());
            return;
        }
        Style style = new Style(services.colorOut());
        long now = System.currentTimeMillis();
        List<String[]> cells = new ArrayList<>();
        List<State> states = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        cells.add(with(multi, "SERVER", new String[] {"ID", "STATUS", "UPDATED", "MODEL", "TOKENS", "COST", "TITLE"}));
        for (Block b : blocks) {
            if (b.failure() != null) {
                cells.add(with(true, b.server(), new String[] {"-", status(b), "-", "-", "-", "-", b.url()}));
                states.add(State.STUCK);
                depths.add(0);
                continue;
            }
            for (Row r : b.listing().rows()) {
                String id = r.depth() == 0 ? r.id() : "  ".repeat(r.depth() - 1) + "└ " + r.id();
                String title = OpencodeClient.oneLine(r.title() == null ? "" : r.title(), 60);
                if (r.depth() == 0 && r.parentID() != null) {
                    title = title + " (child of " + r.parentID() + ")";
                }
                cells.add(with(multi, b.server(), new String[] {id, status(r), ago(r.updated(), now),
                        r.model() == null ? "-" : OpencodeClient.oneLine(r.model(), 40),
                        r.tokens() == null ? "-" : count(r.tokens().total()), cost(r.cost()), title}));
                states.add(r.state());
                depths.add(r.depth());
            }
        }
        int off = multi ? 1 : 0;
        int[] width = new int[7 + off];
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                width[i] = Math.max(width[i], c[i].codePointCount(0, c[i].length()));
            }
        }
        for (int row = 0; row < cells.size(); row++) {
            String[] c = cells.get(row);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                String cell = c[i];
                String pad = i == c.length - 1 ? "" : " ".repeat(width[i] - cell.codePointCount(0, cell.length()) + 2);
                if (row == 0) {
                    cell = style.bold(cell);
                } else if (i == 1 + off) {
                    cell = colour(style, states.get(row - 1), cell);
                } else if (i == off && depths.get(row - 1) > 0) {
                    cell = style.dim(cell);
                }
                line.append(cell).append(pad);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
        for (Block b : blocks) {
            if (b.failure() != null) {
                err.println("ocs: server " + b.server() + " " + status(b) + ": " + b.failure().getMessage());
            } else if (multi && b.listing().rows().isEmpty()) {
                err.println("ocs: server " + b.server() + ": no " + (busy ? "busy " : "") + "sessions");
            } else {
                notes(b);
            }
        }
    }

    /** On stderr, for each session that waits on something, the command that answers it. */
    private void notes(Block b) {
        PrintWriter err = services.err();
        String ocs = b.ocs();
        SessionList.Listing listing = b.listing();
        for (Row r : listing.rows()) {
            switch (r.state()) {
                case PERMISSION, QUESTION -> {
                    for (Permission p : r.permissions()) {
                        err.println("ocs: " + r.id() + " waits on " + p.id() + " (" + p.permission() + ": "
                                + OpencodeClient.oneLine(p.patternText(), 80) + "); answer it: " + ocs + " approve "
                                + r.id() + " " + p.id());
                    }
                    for (Question x : r.questions()) {
                        err.println("ocs: " + r.id() + " waits on " + x.id() + " (" + OpencodeClient.oneLine(x.summary(),
                                100) + "); answer it: " + Diagnosis.answerCommand(ocs, x));
                    }
                }
                case RETRY -> err.println("ocs: " + r.id() + " is retrying (attempt " + r.status().attempt() + ": "
                        + OpencodeClient.oneLine(r.status().message(), 80) + "); see " + ocs + " inspect " + r.id()
                        + ", stop it with " + ocs + " abort " + r.id());
                case STUCK -> err.println("ocs: " + r.id() + " is idle but its last answer never finished; see "
                        + ocs + " inspect " + r.id());
                default -> { }
            }
        }
        if (listing.more()) {
            err.println("ocs: more sessions than shown" + (b.server() == null ? "" : " on " + b.server())
                    + "; raise --limit (now " + limit + ")");
        }
    }

    private static String[] with(boolean multi, String first, String[] cells) {
        if (!multi) {
            return cells;
        }
        String[] out = new String[cells.length + 1];
        out[0] = first;
        System.arraycopy(cells, 0, out, 1, cells.length);
        return out;
    }

    private static String status(Row r) {
        if (r.state() == State.RETRY && r.status().attempt() != null) {
            return "retry " + r.status().attempt();
        }
        return r.state().label();
    }

    private static String colour(Style style, State state, String cell) {
        return switch (state) {
            case BUSY -> style.cyan(cell);
            case RETRY, STUCK -> style.red(cell);
            case PERMISSION, QUESTION -> style.yellow(cell);
            case IDLE -> style.dim(cell);
        };
    }

    static String ago(Long epochMs, long now) {
        if (epochMs == null) {
            return "-";
        }
        long s = Math.max(0, (now - epochMs) / 1000);
        if (s < 60) {
            return s + "s ago";
        }
        if (s < 3600) {
            return s / 60 + "m ago";
        }
        if (s < 86_400) {
            return s / 3600 + "h ago";
        }
        if (s < 7 * 86_400) {
            return s / 86_400 + "d ago";
        }
        return UtcTime.date(epochMs);
    }

    static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1fM", n / 1_000_000.0);
    }

    static String cost(Double c) {
        if (c == null) {
            return "-";
        }
        if (c == 0) {
            return "$0";
        }
        return c >= 0.01 ? String.format(Locale.ROOT, "$%.2f", c) : String.format(Locale.ROOT, "$%.4f", c);
    }
}

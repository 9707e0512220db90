package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.http.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The server's sessions, newest first, each with what it is doing: {@code GET /session} (the server sorts by
 * last update and applies {@code limit}, {@code roots} and {@code search} itself), {@code GET /session/status}
 * and {@code GET /permission}, one request each. The model comes from the session itself; only where it has
 * none, and for idle sessions (to tell a stuck run), the newest message is read ({@code limit=1}), for the
 * sessions shown only, a few at a time.
 */
public final class SessionList {
    /** With {@code busy}: how many of the newest sessions are looked through for stuck runs. */
    public static final int STUCK_SCAN = 50;
    private static final int READERS = 4;

    public enum State {
        IDLE, BUSY, RETRY, PERMISSION, QUESTION, STUCK;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Working, retrying, waiting on a permission or a question, or stuck: what {@code --busy} keeps. */
        public boolean active() {
            return this != IDLE;
        }
    }

    /** One session as listed. {@code depth}: 0 at the top, 1 for a child shown under its parent, 2 under that, … */
    public record Row(String id, String title, String parentID, String directory, Long created, Long updated,
                      String model, String agent, Tokens tokens, Double cost, State state, Status status,
                      List<Permission> permissions, List<Question> questions, int depth) {}

    /** @param more the server has more sessions than were shown (raise the limit) */
    public record Listing(List<Row> rows, boolean more) {}

    public record Query(int limit, boolean busy, boolean roots, String search) {}

    private record Entry(JsonNode json, String id, String parentID, long updated) {}

    private final Api api;

    public SessionList(Api api) {
        this.api = api;
    }

    public Listing read(Query q) {
        int fetch = q.busy() ? Math.max(q.limit(), STUCK_SCAN) : q.limit() + 1;
        List<Entry> entries = sessions(fetch, q);
        boolean more = entries.size() >= fetch;
        JsonNode statusAll = api.sessionStatus();
        Map<String, List<Permission>> perms = new HashMap<>();
        for (Permission p : Permission.listFrom(api.permissions())) {
            if (p.sessionID() != null) {
                perms.computeIfAbsent(p.sessionID(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<String, List<Question>> questions = new HashMap<>();
        for (Question x : Question.listFrom(api.questions())) {
            if (x.sessionID() != null) {
                questions.computeIfAbsent(x.sessionID(), k -> new ArrayList<>()).add(x);
            }
        }
        Set<String> waiting = new HashSet<>(perms.keySet());
        waiting.addAll(questions.keySet());
        List<Entry> shown;
        if (q.busy()) {
            shown = busyEntries(entries, statusAll, waiting, q);
        } else {
            shown = new ArrayList<>(entries.subList(0, Math.min(q.limit(), entries.size())));
        }
        Map<String, Message> newest = newestMessages(shown, statusAll, waiting);
        List<Row> rows = new ArrayList<>();
        for (Entry e : shown) {
            // Without /session/status (1.0.0, 1.0.185) the newest message tells whether a reply is under way.
            Status status = statusAll == null ? Status.fromNewest(newest.get(e.id())) : Status.of(statusAll, e.id());
            Row r = row(e, status, perms.getOrDefault(e.id(), List.of()), questions.getOrDefault(e.id(), List.of()),
                    newest.get(e.id()));
            if (!q.busy() || r.state().active()) {
                rows.add(r);
            }
        }
        if (q.busy()) {
            more = rows.size() > q.limit();
            rows = new ArrayList<>(rows.subList(0, Math.min(q.limit(), rows.size())));
        }
        return new Listing(tree(rows), more);
    }

    private List<Entry> sessions(int limit, Query q) {
        JsonNode all = api.sessions(limit, q.roots(), q.search());
        if (all == null || !all.isArray()) {
            throw new OcsException(ExitCode.SERVER_ERROR, "unexpected answer to GET /session on "
                    + api.connection().displayUrl() + ": not a list");
        }
        List<Entry> out = new ArrayList<>();
        for (JsonNode n : all) {
            Entry e = entry(n);
            if (e != null) {
                out.add(e);
            }
        }
        // The server sorts by last update already; sorting again costs nothing and keeps the promise.
        out.sort(Comparator.comparingLong(Entry::updated).reversed());
        return out;
    }

    private static Entry entry(JsonNode n) {
        String id = Json.text(n, "id");
        if (id == null || !n.isObject()) {
            return null;
        }
        Long updated = Json.optNum(Json.obj(n, "time"), "updated");
        return new Entry(n, id, Json.text(n, "parentID"), updated == null ? 0 : updated);
    }

    /**
     * Every session the status or a pending permission or question names (fetched one by one when older than the
     * newest {@code fetch}: a session waiting on a person is not updated while it waits), plus the newest ones,
     * which are looked through for stuck runs.
     */
    private List<Entry> busyEntries(List<Entry> newest, JsonNode statusAll, Set<String> waiting, Query q) {
        Map<String, Entry> byId = new LinkedHashMap<>();
        newest.forEach(e -> byId.put(e.id(), e));
        Set<String> named = new HashSet<>(waiting);
        if (statusAll != null && statusAll.isObject()) {
            statusAll.fieldNames().forEachRemaining(named::add);
        }
        for (String id : named) {
            if (byId.containsKey(id) || !id.matches("ses_[A-Za-z0-9]{1,100}")) {
                continue;
            }
            try {
                Entry e = entry(api.session(id));
                if (e != null && (!q.roots() || e.parentID() == null) && matches(e, q.search())) {
                    byId.put(id, e);
                }
            } catch (OcsException gone) {
                if (gone.exitCode() != ExitCode.NOT_FOUND) {
                    throw gone;
                }
            }
        }
        List<Entry> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparingLong(Entry::updated).reversed());
        return out;
    }

    private static boolean matches(Entry e, String search) {
        if (search == null) {
            return true;
        }
        String title = Json.text(e.json(), "title");
        return title != null && title.toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT));
    }

    /** The newest message of each idle session (stuck or not) and of each session without a model of its own. */
    private Map<String, Message> newestMessages(List<Entry> shown, JsonNode statusAll, Set<String> waiting) {
        List<String> ids = new ArrayList<>();
        for (Entry e : shown) {
            boolean idle = Status.of(statusAll, e.id()).idle() && !waiting.contains(e.id());
            if (idle || model(e.json()) == null) {
                ids.add(e.id());
            }
        }
        Map<String, Message> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(READERS, ids.size()), r -> {
            Thread t = new Thread(r, "ocs-list");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<Message>> futures = new LinkedHashMap<>();
            for (String id : ids) {
                futures.put(id, pool.submit(() -> newestMessage(id)));
            }
            for (Map.Entry<String, Future<Message>> f : futures.entrySet()) {
                try {
                    Message m = f.getValue().get();
                    if (m != null) {
                        out.put(f.getKey(), m);
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof OcsException o && o.exitCode() != ExitCode.NOT_FOUND) {
                        throw o;
                    }
                    // deleted in between: listed without what its newest message would have told
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OcsException(ExitCode.INTERRUPTED, "interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private Message newestMessage(String sid) {
        List<Message> ms = api.messages(sid, 1, body -> MessageReader.read(body, ReadOptions.DEFAULT));
        return ms.isEmpty() ? null : ms.get(ms.size() - 1);
    }

    private static String model(JsonNode session) {
        JsonNode m = Json.obj(session, "model");
        String provider = Json.text(m, "providerID");
        String id = Json.text(m, "id") != null ? Json.text(m, "id") : Json.text(m, "modelID");
        return provider == null || id == null ? null : provider + "/" + id;
    }

    private static Row row(Entry e, Status status, List<Permission> perms, List<Question> questions,
                           Message newest) {
        JsonNode n = e.json();
        SessionInfo info = SessionInfo.from(n);
        String model = model(n);
        if (model == null && newest != null) {
            model = newest.model();
        }
        String agent = Json.text(n, "agent");
        if (agent == null && newest != null) {
            agent = newest.agent;
        }
        return new Row(e.id(), info.title(), info.parentID(), info.directory(), info.created(), info.updated(), model,
                agent, info.tokens(), info.cost(), state(status, perms, questions, newest), status, List.copyOf(perms),
                List.copyOf(questions), 0);
    }

    /**
     * Waiting on a person beats busy (the server says busy while it waits), a permission before a question; stuck is
     * an idle session with an unfinished answer.
     */
    static State state(Status status, List<Permission> perms, List<Question> questions, Message newest) {
        if (!perms.isEmpty()) {
            return State.PERMISSION;
        }
        if (!questions.isEmpty()) {
            return State.QUESTION;
        }
        if (status.retry()) {
            return State.RETRY;
        }
        if (!status.idle()) {
            return State.BUSY;
        }
        if (newest != null && newest.isAssistant() && newest.completed == null && newest.error == null) {
            return State.STUCK;
        }
        return State.IDLE;
    }

    /**
     * Newest first, each child right under its parent (newest child first) with depth 1; a child whose parent is
     * not listed stands on its own at depth 0.
     */
    static List<Row> tree(List<Row> rows) {
        Set<String> listed = new HashSet<>();
        rows.forEach(r -> listed.add(r.id()));
        Map<String, List<Row>> children = new HashMap<>();
        List<Row> top = new ArrayList<>();
        for (Row r : rows) {
            if (r.parentID() != null && listed.contains(r.parentID()) && !r.parentID().equals(r.id())) {
                children.computeIfAbsent(r.parentID(), k -> new ArrayList<>()).add(r);
            } else {
                top.add(r);
            }
        }
        List<Row> out = new ArrayList<>(rows.size());
        Set<String> placed = new HashSet<>();
        for (Row r : top) {
            place(r, 0, children, out, placed);
        }
        // A parent cycle (never from a sane server) would leave rows unplaced: list them rather than lose them.
        for (Row r : rows) {
            if (!placed.contains(r.id())) {
                place(r, 0, children, out, placed);
            }
        }
        return out;
    }

    private static void place(Row r, int depth, Map<String, List<Row>> children, List<Row> out, Set<String> placed) {
        if (!placed.add(r.id())) {
            return;
        }
        out.add(depth == r.depth() ? r : new Row(r.id(), r.title(), r.parentID(), r.directory(), r.created(),
                r.updated(), r.model(), r.agent(), r.tokens(), r.cost(), r.state(), r.status(), r.permissions(),
                r.questions(), depth));
        for (Row c : children.getOrDefault(r.id(), List.of())) {
            place(c, Math.min(depth + 1, 8), children, out, placed);
        }
    }
}

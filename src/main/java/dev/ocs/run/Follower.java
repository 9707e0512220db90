package dev.ocs.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.api.Api;
import dev.ocs.events.Event;
import dev.ocs.events.EventFeed;
import dev.ocs.http.Json;
import dev.ocs.session.Budget;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;
import dev.ocs.session.Tokens;
import dev.ocs.session.Waiting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one loop that follows runs: any set of sessions (and the children they start) over one event stream, with
 * one deadline, one way of noticing silence and reconnects (then the server is asked directly, since events were
 * missed), and one way of handling what a run asks of a person. What is shown is up to a {@link Renderer}: the
 * answer as it is written ({@link AnswerRenderer}, for {@code send --wait}) or a live tail ({@link TailRenderer},
 * for {@code watch}). A new kind of event is taught here once.
 */
public final class Follower {
    /** How following ended. */
    public enum End {
        /** Every session followed is idle (its run is over). */
        IDLE,
        /** A run waits on a person (a permission or a question) and the policy says stop. */
        WAITING,
        /** The server's retry attempt passed the limit. */
        RETRYING,
        TIMEOUT,
        /** A session followed was deleted. */
        DELETED
    }

    /** What to do when a followed run asks a person. */
    public enum Policy { STOP, SHOW, ONCE, ALWAYS, REJECT, FIRST }

    /**
     * @param timeout      null: no limit
     * @param silence      when the events of the sessions stop this long, ask the server for their state
     * @param maxRetries   null: retries never end the following
     * @param untilIdle    end once every session is idle (else only on the deadline, a deletion, or a person)
     * @param awaitWork    a run was just started: an idle event counts only after the run was seen working
     * @param onPermission STOP, SHOW (and go on), or answer ONCE, ALWAYS or REJECT
     * @param onQuestion   STOP, SHOW, REJECT, or answer with each question's FIRST option
     * @param any          with several sessions: end when the first is over (else when all are)
     * @param budget       abort a session's run once its steps pass this, or null
     */
    public record Options(Duration timeout, Duration silence, Integer maxRetries, boolean untilIdle, boolean awaitWork,
                          Policy onPermission, Policy onQuestion, boolean any, Budget budget) {
        public Options(Duration timeout, Duration silence, Integer maxRetries, boolean untilIdle, boolean awaitWork,
                       Policy onPermission, Policy onQuestion) {
            this(timeout, silence, maxRetries, untilIdle, awaitWork, onPermission, onQuestion, false, null);
        }
    }

    /**
     * @param end        how following ended: with several sessions, the first one's end ({@code any}), or the
     *                   worst of all (RETRYING, then WAITING, DELETED, IDLE), or TIMEOUT
     * @param session    the session the end is about (the one waiting, retrying or deleted), or null
     * @param permission with WAITING: the request that stopped it, or null
     * @param question   with WAITING: the question that stopped it, or null
     * @param ends       each session that is over, and how, in the order they ended
     * @param overBudget the sessions whose runs were aborted for passing the budget
     */
    public record Outcome(End end, String session, Permission permission, Question question,
                          List<String> sessionErrors, Map<String, End> ends, Set<String> overBudget) {}

    /**
     * What the sessions are doing when following starts, read after the feed was opened.
     *
     * @param children known child sessions, each with the followed session it belongs to
     * @param spent    what each session's run in progress has spent so far (for the budget)
     */
    public record Start(List<String> sessions, Map<String, String> children, Map<String, Status> status,
                        Waiting waiting, Map<String, Budget.Spend> spent) {
        public Start(List<String> sessions, Map<String, String> children, Map<String, Status> status,
                     Waiting waiting) {
            this(sessions, children, status, waiting, Map.of());
        }

        /** Runs just started (or resumed): their status is not asked, and their first idle is awaited. */
        public static Start started(String sid) {
            return new Start(List.of(sid), Map.of(), Map.of(), Waiting.NONE);
        }
    }

    /** How often the server is asked while the stream is unsteady, and again once the sessions are silent. */
    private static final long UNSTEADY_POLL_NS = 1_000_000_000L;
    private static final long SILENT_POLL_NS = 2_000_000_000L;

    private final Api api;
    private final Sessions sessions;
    private final Options opt;
    private final Renderer view;

    private final List<String> roots = new ArrayList<>();
    /** Every session followed or started by one followed, with the followed one it belongs to. */
    private final Map<String, String> family = new HashMap<>();
    private final Map<String, End> over = new LinkedHashMap<>();
    /** The first request each waiting session stopped on. */
    private final Map<String, Permission> permissionOf = new HashMap<>();
    private final Map<String, Question> questionOf = new HashMap<>();
    /** Each followed session's run: the steps seen finish (by part id), on top of what it had spent at the start. */
    private final Map<String, Map<String, Budget.Spend>> steps = new HashMap<>();
    private final Map<String, Budget.Spend> spentBefore = new HashMap<>();
    private final Set<String> overBudget = new LinkedHashSet<>();
    private final Set<String> working = new HashSet<>();
    /** Requests already shown and handled, so that polling and the events never handle one twice. */
    private final Set<String> handled = new HashSet<>();
    private final List<String> sessionErrors = new ArrayList<>();

    public Follower(Api api, Options opt, Renderer view) {
        this.api = api;
        this.sessions = new Sessions(api);
        this.opt = opt;
        this.view = view;
    }

    public Outcome follow(EventFeed feed, Start start) throws InterruptedException {
        roots.addAll(start.sessions());
        roots.forEach(r -> family.put(r, r));
        start.children().forEach(family::putIfAbsent);
        spentBefore.putAll(start.spent());
        long deadline = opt.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + opt.timeout().toNanos();
        try {
            view.begin(roots);
            start.status().forEach(view::status);
            // What waits on a person before whether it is over: a session idle with a request pending still waits.
            Outcome o = onWaiting(start.waiting());
            if (o != null) {
                return o;
            }
            for (Map.Entry<String, Status> s : start.status().entrySet()) {
                o = onStatus(s.getKey(), s.getValue(), true);
                if (o != null) {
                    return o;
                }
            }
            long lastActivity = System.nanoTime();
            long lastPoll = System.nanoTime();
            boolean unsteady = false;
            boolean failing = false;
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException(); // a cancelled call of ocs mcp: stop waiting, leave the run
                }
                long now = System.nanoTime();
                if (now >= deadline) {
                    return outcome(End.TIMEOUT, null);
                }
                long waitMs = Math.max(1, Math.min((deadline - now) / 1_000_000 + 1, 1_000));
                EventFeed.Item item = feed.poll(Duration.ofMillis(waitMs));
                boolean check = false;
                if (item instanceof EventFeed.Got got) {
                    if (concerns(got.event())) {
                        lastActivity = System.nanoTime();
                        view.event(got.event());
                        o = handle(got.event());
                        if (o != null) {
                            return o;
                        }
                    }
                } else if (item instanceof EventFeed.Unsteady u) {
                    view.note(u.why() + "; following by asking the server until the stream holds");
                    unsteady = true;
                } else if (item instanceof EventFeed.Dropped d) {
                    if (!d.quiet()) {
                        unsteady = false;
                        view.note(d.why() + "; reconnecting");
                    }
                } else if (item instanceof EventFeed.Failing f) {
                    failing = true;
                    view.note(f.why());
                } else if (item instanceof EventFeed.Lost lost) {
                    throw lost.error();
                } else if (item instanceof EventFeed.Reconnected r) {
                    if (!r.quiet() || failing) {
                        view.note(failing ? "the server answers again; event stream reconnected"
                                : "event stream reconnected" + view.missedNote());
                    }
                    failing = false;
                    check = true;
                }
                long sincePoll = System.nanoTime() - lastPoll;
                boolean silent = opt.untilIdle() && System.nanoTime() - lastActivity > opt.silence().toNanos()
                        && sincePoll > SILENT_POLL_NS;
                // While the server does not answer at all, asking it would only fail again: the feed says when.
                if (!failing && (check || unsteady && sincePoll > UNSTEADY_POLL_NS || silent)) {
                    lastPoll = System.nanoTime();
                    o = poll();
                    if (o != null) {
                        return o;
                    }
                }
            }
        } finally {
            view.end();
        }
    }

    /** Events were (or may have been) missed: the server's own view of the sessions and what waits on a person. */
    private Outcome poll() {
        Outcome o = onWaiting(sessions.waiting(null));
        if (o != null) {
            return o;
        }
        // One read for all of them: following fifty sessions costs what following one does.
        for (Map.Entry<String, Status> st : sessions.statuses(roots).entrySet()) {
            o = onStatus(st.getKey(), st.getValue(), true);
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    private Outcome onWaiting(Waiting w) {
        for (Permission p : w.permissions()) {
            if (p.sessionID() == null || family.containsKey(p.sessionID())) {
                Outcome o = onPermission(p);
                if (o != null) {
                    return o;
                }
            }
        }
        for (Question q : w.questions()) {
            if (q.sessionID() == null || family.containsKey(q.sessionID())) {
                Outcome o = onQuestion(q);
                if (o != null) {
                    return o;
                }
            }
        }
        return null;
    }

    /** Whether an event is about a followed session or one of its children (learning new children on the way). */
    private boolean concerns(Event e) {
        if (e.type().startsWith("session.")) {
            JsonNode info = Json.obj(e.properties(), "info");
            String id = Json.text(info, "id");
            String parent = Json.text(info, "parentID");
            if (id != null && parent != null && family.containsKey(parent) && !family.containsKey(id)) {
                family.put(id, family.get(parent));
                view.child(id, parent, Json.text(info, "title"));
            }
            if (id != null && family.containsKey(id)) {
                return true;
            }
        }
        String about = e.sessionID();
        return about != null && family.containsKey(about);
    }

    private Outcome handle(Event e) {
        String about = e.sessionID();
        JsonNode p = e.properties();
        switch (e.type()) {
            case "session.deleted" -> {
                String id = Json.text(Json.obj(p, "info"), "id");
                if (roots.contains(id)) {
                    view.deleted(id);
                    over.put(id, End.DELETED);
                    return done();
                }
            }
            case "session.status" -> {
                return onStatus(about, Status.from(Json.obj(p, "status")), false);
            }
            case "session.idle" -> {
                return onStatus(about, Status.IDLE, false);
            }
            case "session.error" -> {
                JsonNode error = p.get("error");
                String name = Json.text(error, "name");
                String msg = Json.text(Json.obj(error, "data"), "message");
                String text = (name == null ? "error" : name) + (msg == null ? "" : ": " + msg);
                sessionErrors.add(text);
                if (about != null) {
                    working.add(about);
                }
                view.error(about, text);
            }
            case "message.updated" -> {
                JsonNode info = Json.obj(p, "info");
                if ("assistant".equals(Json.text(info, "role")) && about != null) {
                    working.add(about);
                }
                view.message(about, info);
            }
            case "message.part.updated" -> {
                JsonNode part = Json.obj(p, "part");
                view.part(about, part, roots.contains(about));
                if ("step-finish".equals(Json.text(part, "type")) && roots.contains(about)) {
                    stepFinished(about, part);
                }
            }
            case "message.part.delta" -> {
                if (roots.contains(about) && "text".equals(Json.text(p, "field"))) {
                    view.delta(about, Json.text(p, "partID"), Json.text(p, "messageID"), Json.text(p, "delta"));
                }
            }
            case "permission.asked", "permission.updated" -> { // 1.0 calls it permission.updated
                Permission perm = Permission.from(p);
                return onPermission(perm.sessionID() == null ? withSession(perm, about) : perm);
            }
            case "permission.replied" -> {
                String id = Json.text(p, "requestID") != null ? Json.text(p, "requestID") : Json.text(p, "permissionID");
                String reply = Json.text(p, "reply") != null ? Json.text(p, "reply") : Json.text(p, "response");
                view.permissionReplied(about, id, reply);
                resumed(about);
            }
            case "question.asked", "question.v2.asked" -> {
                return onQuestion(Question.from(p));
            }
            case "question.replied", "question.v2.replied" -> {
                view.questionReplied(about, Json.text(p, "requestID"), answers(p.get("answers")));
                resumed(about);
            }
            case "question.rejected", "question.v2.rejected" -> {
                view.questionReplied(about, Json.text(p, "requestID"), null);
                resumed(about);
            }
            default -> { }
        }
        return null;
    }

    private static Permission withSession(Permission p, String sid) {
        return new Permission(p.id(), sid, p.permission(), p.patterns(), p.always(), p.messageID(), p.callID());
    }

    private static List<List<String>> answers(JsonNode n) {
        List<List<String>> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            for (JsonNode a : n) {
                List<String> labels = new ArrayList<>();
                if (a.isArray()) {
                    a.forEach(x -> labels.add(x.asText()));
                } else {
                    labels.add(a.asText());
                }
                out.add(labels);
            }
        }
        return out;
    }

    /**
     * @param asked true when the status was asked of the server (then idle is final), false for an event (then,
     *              for a run just started, idle counts only once the run was seen working)
     */
    private Outcome onStatus(String sid, Status st, boolean asked) {
        if (sid == null) {
            return null;
        }
        view.status(sid, st);
        if (!roots.contains(sid)) {
            return null;
        }
        if (!st.idle()) {
            working.add(sid);
        }
        if (st.retry() && opt.maxRetries() != null && st.attempt() != null && st.attempt() > opt.maxRetries()) {
            over.put(sid, End.RETRYING);
            return done();
        }
        if (st.idle() && (asked || !opt.awaitWork() || working.contains(sid))) {
            // Read from the server, idle with a request pending still waits (1.0 says idle while it waits); an idle
            // event after a stop on a person means the run ended all the same (the request went with it).
            if (opt.untilIdle() && !(asked && over.get(sid) == End.WAITING)) {
                over.put(sid, End.IDLE);
                return done();
            }
        } else if (!st.idle() && !st.retry() && over.get(sid) != End.WAITING) {
            over.remove(sid);
        }
        return null;
    }

    /**
     * A step of a followed run finished: opencode has counted its tokens and cost. Once the run has passed the
     * budget it is aborted, before its next step gets far (the step that passed it is already spent).
     */
    private void stepFinished(String sid, JsonNode part) {
        if (opt.budget() == null) {
            return;
        }
        long n = Tokens.from(part.get("tokens")).total();
        String id = Json.text(part, "id");
        Map<String, Budget.Spend> seen = steps.computeIfAbsent(sid, k -> new LinkedHashMap<>());
        seen.put(id != null ? id : "step-" + seen.size(), new Budget.Spend(n, Json.dbl(part, "cost")));
        Budget.Spend total = spentBefore.getOrDefault(sid, Budget.Spend.NONE);
        for (Budget.Spend s : seen.values()) {
            total = total.plus(s.tokens(), s.cost());
        }
        if (opt.budget().passedBy(total) && overBudget.add(sid)) {
            // A step that ends for tool calls has a next one; one that ends for good (stop, length) has none to stop.
            String reason = Json.text(part, "reason");
            boolean more = reason == null || reason.equals("tool-calls") || reason.equals("tool_calls");
            view.note(sid + " passed its budget (" + opt.budget().limits() + ") with " + Budget.describe(total)
                    + (more ? "; aborting its run" : " in its last step"));
            if (more) {
                api.abort(sid);
            }
        }
    }

    /**
     * Whether following is over: all sessions are (or, with {@code any}, one is). With one session, that is the
     * moment it ends.
     */
    private Outcome done() {
        boolean all = over.keySet().containsAll(roots);
        if (!all && !(opt.any() && !over.isEmpty())) {
            return null;
        }
        String first = over.keySet().iterator().next();
        End end;
        String about;
        if (opt.any() || roots.size() == 1) {
            about = opt.any() ? first : roots.get(0);
            end = over.get(about);
        } else {
            end = worst();
            about = null;
            for (Map.Entry<String, End> e : over.entrySet()) {
                if (e.getValue() == end) {
                    about = e.getKey();
                    break;
                }
            }
        }
        return new Outcome(end, about, about == null ? null : permissionOf.get(about),
                about == null ? null : questionOf.get(about), List.copyOf(sessionErrors), Map.copyOf(over),
                Set.copyOf(overBudget));
    }

    private End worst() {
        for (End e : List.of(End.RETRYING, End.WAITING, End.DELETED)) {
            if (over.containsValue(e)) {
                return e;
            }
        }
        return End.IDLE;
    }

    private Outcome onPermission(Permission perm) {
        if (perm.id() != null && !handled.add(perm.id())) {
            return null;
        }
        view.permission(perm);
        String reply = switch (opt.onPermission()) {
            case ONCE -> "once";
            case ALWAYS -> "always";
            case REJECT -> "reject";
            case STOP -> null;
            default -> "";
        };
        if (reply == null) {
            String root = rootOf(perm.sessionID());
            permissionOf.putIfAbsent(root, perm);
            return stopped(root);
        }
        if (!reply.isEmpty()) {
            new Permissions(api).reply(perm, perm.sessionID(), reply, null);
            view.note("answered " + perm.id() + " (" + perm.permission() + ": " + perm.patternText() + ") with "
                    + reply);
        }
        return null;
    }

    private Outcome onQuestion(Question q) {
        if (q.id() != null && !handled.add(q.id())) {
            return null;
        }
        view.question(q);
        switch (opt.onQuestion()) {
            case REJECT -> {
                if (api.rejectQuestion(q.id())) {
                    view.note("declined " + q.id() + " (" + q.summary() + ")");
                }
                return null;
            }
            case FIRST -> {
                List<List<String>> first = new ArrayList<>();
                for (Question.Item item : q.questions()) {
                    if (item.options().isEmpty()) {
                        view.note(q.id() + " has a question without options: it needs a person's answer");
                        return waitingOn(q);
                    }
                    first.add(List.of(item.options().get(0).label()));
                }
                if (api.replyQuestion(q.id(), first)) {
                    view.note("answered " + q.id() + " with the first option" + (first.size() == 1 ? "" : "s") + ": "
                            + Answers.text(first));
                }
                return null;
            }
            case STOP -> {
                return waitingOn(q);
            }
            default -> {
                return null;
            }
        }
    }

    private Outcome waitingOn(Question q) {
        String root = rootOf(q.sessionID());
        questionOf.putIfAbsent(root, q);
        return stopped(root);
    }

    /** Someone answered what a session waited on: its run goes on, and is followed again. */
    private void resumed(String sid) {
        String root = rootOf(sid);
        if (over.get(root) == End.WAITING) {
            over.remove(root);
            permissionOf.remove(root);
            questionOf.remove(root);
        }
    }

    /** A run waits on a person: that session is over until someone answers (and it works again). */
    private Outcome stopped(String root) {
        over.put(root, End.WAITING);
        return done();
    }

    /** The followed session a session belongs to (itself, or the one whose child it is); the only one if unknown. */
    private String rootOf(String sid) {
        String root = sid == null ? null : family.get(sid);
        return root != null ? root : roots.get(0);
    }

    private Outcome outcome(End end, String sid) {
        return new Outcome(end, sid, null, null, List.copyOf(sessionErrors), Map.copyOf(over),
                Set.copyOf(overBudget));
    }
}

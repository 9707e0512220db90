package dev.ocs.run;

import dev.ocs.api.Api;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.events.Event;
import dev.ocs.events.EventFeed;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Permission;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;
import dev.ocs.session.Style;
import dev.ocs.session.ToolInput;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A live, readable tail of one session from the event stream: its text as it is written, each tool call's status
 * changes, permission requests with the command that answers them, retries, errors and status changes; for its
 * child sessions, everything but their text. With {@code json}, the server's own events for the session and its
 * children instead, one per line, unchanged.
 */
public final class Watcher {
    public enum End { IDLE, TIMEOUT, DELETED }

    /**
     * @param timeout  null: no limit
     * @param silence  with {@code untilIdle}: ask the server for the status when the session's events stop this long
     */
    public record Options(boolean json, boolean thinking, boolean untilIdle, Duration timeout, Duration silence) {}

    public record Outcome(End end, List<String> sessionErrors) {}

    private static final int LINE_MAX = 200;

    private final Api client;
    private final Sessions sessions;
    private final Options opt;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final String ocs;

    private String sid;
    private final Set<String> family = new HashSet<>();
    private final Map<String, String> partTypes = new HashMap<>();
    private final Map<String, StringBuilder> printed = new HashMap<>();
    private final Map<String, String> toolStatus = new HashMap<>();
    private final Map<String, String> roles = new HashMap<>();
    private final Map<String, String> statusShown = new HashMap<>();
    private final Set<String> announced = new HashSet<>();
    /** Assistant messages whose parts came before their first update (watching from mid-run): no late headline. */
    private final Set<String> unannounced = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private final Set<String> usersShown = new HashSet<>();
    private final Set<String> permissionsShown = new HashSet<>();
    private final List<String> sessionErrors = new ArrayList<>();
    private String textPart;
    private boolean atLineStart = true;

    /** @param ocs the ocs command line to put in advice ("ocs", or with --url) */
    public Watcher(Api client, Options opt, PrintWriter out, PrintWriter err, Style style, String ocs) {
        this.client = client;
        this.sessions = new Sessions(client);
        this.opt = opt;
        this.out = out;
        this.err = err;
        this.style = style;
        this.ocs = ocs;
    }

    /**
     * Follows the session over a feed opened before its state was read.
     *
     * @param children the session's children known at the start
     * @param initial  its status, read after the feed was opened
     * @param pending  its (and its children's) pending permissions, read after the feed was opened
     */
    public Outcome watch(EventFeed feed, String sessionId, List<String> children, Status initial,
                         List<Permission> pending) throws InterruptedException {
        sid = sessionId;
        family.add(sid);
        family.addAll(children);
        showStatus(sid, initial);
        for (Permission p : pending) {
            showPermission(p);
        }
        if (opt.untilIdle() && initial.idle() && pending.isEmpty()) {
            return end(End.IDLE);
        }
        long deadline = opt.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + opt.timeout().toNanos();
        long lastActivity = System.nanoTime();
        long lastPoll = System.nanoTime();
        try {
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return end(End.TIMEOUT);
                }
                long waitMs = Math.max(1, Math.min((deadline - now) / 1_000_000 + 1, 1_000));
                EventFeed.Item item = feed.poll(Duration.ofMillis(waitMs));
                boolean check = false;
                if (item instanceof EventFeed.Got got) {
                    Event e = got.event();
                    if (concerns(e)) {
                        lastActivity = System.nanoTime();
                        End end = handle(e);
                        if (end != null) {
                            return end(end);
                        }
                    }
                } else if (item instanceof EventFeed.Unsteady u) {
                    note(u.why() + "; following by polling the server until the stream holds");
                } else if (item instanceof EventFeed.Dropped d) {
                    if (!d.quiet()) {
                        note(d.why() + "; reconnecting");
                    }
                } else if (item instanceof EventFeed.Reconnected r) {
                    if (!r.quiet()) {
                        note("event stream reconnected; what happened in between is not shown");
                    }
                    check = true;
                }
                boolean silent = opt.untilIdle() && System.nanoTime() - lastActivity > opt.silence().toNanos()
                        && System.nanoTime() - lastPoll > opt.silence().toNanos();
                if (check || silent) {
                    lastPoll = System.nanoTime();
                    Status st = sessions.status(sid);
                    showStatus(sid, st);
                    List<Permission> now2 = sessions.permissions(null);
                    for (Permission p : now2) {
                        if (family.contains(p.sessionID())) {
                            showPermission(p);
                        }
                    }
                    if (opt.untilIdle() && st.idle()) {
                        return end(End.IDLE);
                    }
                }
            }
        } finally {
            if (!atLineStart) {
                out.println();
                atLineStart = true;
            }
            out.flush();
        }
    }

    /** Whether an event is about the watched session or one of its children (learning new children on the way). */
    private boolean concerns(Event e) {
        if (e.type().startsWith("session.")) {
            JsonNode info = Json.obj(e.properties(), "info");
            String id = Json.text(info, "id");
            String parent = Json.text(info, "parentID");
            if (id != null && parent != null && family.contains(parent) && family.add(id)) {
                if (!opt.json()) {
                    line("[child]", "cyan", id + " started" + (Json.text(info, "title") == null ? ""
                            : ": " + OpencodeClient.oneLine(Json.text(info, "title"), 80)), parent);
                }
            }
            if (id != null && family.contains(id)) {
                return true;
            }
        }
        String about = e.sessionID();
        return about != null && family.contains(about);
    }

    private End handle(Event e) {
        if (opt.json()) {
            out.println(e.jsonLine());
            out.flush();
        }
        String about = e.sessionID();
        JsonNode p = e.properties();
        boolean mine = sid.equals(about);
        switch (e.type()) {
            case "session.deleted" -> {
                if (sid.equals(Json.text(Json.obj(p, "info"), "id"))) {
                    if (!opt.json()) {
                        line("[status]", "", "session deleted", sid);
                    }
                    return End.DELETED;
                }
            }
            case "session.status" -> {
                Status st = status(Json.obj(p, "status"));
                showStatus(about, st);
                if (mine && st.idle() && opt.untilIdle()) {
                    return End.IDLE;
                }
            }
            case "session.idle" -> {
                showStatus(about, Status.IDLE);
                if (mine && opt.untilIdle()) {
                    return End.IDLE;
                }
            }
            case "session.error" -> {
                JsonNode error = p.get("error");
                String name = Json.text(error, "name");
                String msg = Json.text(Json.obj(error, "data"), "message");
                String text = (name == null ? "error" : name) + (msg == null ? "" : ": " + msg);
                sessionErrors.add(text);
                if (!opt.json()) {
                    line("[error]", "red", OpencodeClient.oneLine(text, LINE_MAX), about);
                }
            }
            case "message.updated" -> message(Json.obj(p, "info"), about);
            case "message.part.updated" -> part(Json.obj(p, "part"), about, mine);
            case "message.part.delta" -> {
                if (mine && !opt.json() && "text".equals(Json.text(p, "field"))) {
                    delta(Json.text(p, "partID"), Json.text(p, "messageID"), Json.text(p, "delta"));
                }
            }
            case "permission.asked", "permission.updated" -> showPermission(Permission.from(p)); // 1.0: updated
            case "permission.replied" -> {
                if (!opt.json()) {
                    String id = Json.text(p, "requestID") != null ? Json.text(p, "requestID") : Json.text(p, "permissionID");
                    String reply = Json.text(p, "reply") != null ? Json.text(p, "reply") : Json.text(p, "response");
                    line("[permission]", "yellow", id + " answered: " + reply, about);
                }
            }
            default -> { }
        }
        return null;
    }

    private static Status status(JsonNode st) {
        String type = Json.text(st, "type");
        if (type == null) {
            return new Status("unknown", null, null, null);
        }
        return new Status(type, st.path("attempt").isNumber() ? st.get("attempt").asInt() : null,
                Json.text(st, "message"), Json.optNum(st, "next"));
    }

    private void showStatus(String session, Status st) {
        String key = st.retry() ? "retry " + st.attempt() : st.type();
        if (key.equals(statusShown.put(session, key)) || opt.json()) {
            return;
        }
        if (st.retry()) {
            String next = "";
            if (st.next() != null) {
                long in = Math.max(0, (st.next() - System.currentTimeMillis() + 500) / 1000);
                next = " (next try in " + in + " s)";
            }
            line("[retry]", "red", "attempt " + st.attempt() + ": " + OpencodeClient.oneLine(st.message(), LINE_MAX)
                    + next, session);
        } else {
            line("[status]", st.idle() ? "" : "cyan", st.type(), session);
        }
    }

    private void showPermission(Permission perm) {
        if (perm.id() == null || !permissionsShown.add(perm.id()) || opt.json()) {
            return;
        }
        String session = perm.sessionID() == null ? sid : perm.sessionID();
        line("[permission]", "yellow", perm.permission() + ": " + OpencodeClient.oneLine(perm.patternText(), 120)
                + " (" + perm.id() + "); answer it: " + ocs + " approve " + session + " " + perm.id()
                + " [--always | --reject]", session);
    }

    private void message(JsonNode info, String session) {
        String id = Json.text(info, "id");
        String role = Json.text(info, "role");
        if (id == null || role == null) {
            return;
        }
        roles.put(id, role);
        if (opt.json() || !"assistant".equals(role)) {
            return;
        }
        String provider = Json.text(info, "providerID");
        String modelID = Json.text(info, "modelID");
        String model = provider == null && modelID == null ? "?" : (provider == null ? "?" : provider) + "/"
                + (modelID == null ? "?" : modelID);
        if (announced.add(id)) {
            String agent = Json.text(info, "agent") != null ? Json.text(info, "agent") : Json.text(info, "mode");
            line("[assistant]", "", model + (agent == null ? "" : " (" + agent + ")"), session);
        }
        JsonNode time = Json.obj(info, "time");
        JsonNode error = Json.obj(info, "error");
        if ((Json.optNum(time, "completed") != null || error != null) && finished.add(id)) {
            if (error != null) {
                String name = Json.text(error, "name");
                String msg = Json.text(Json.obj(error, "data"), "message");
                line("[error]", "red", OpencodeClient.oneLine((name == null ? "error" : name)
                        + (msg == null ? "" : ": " + msg), LINE_MAX), session);
            }
            if (Json.optNum(time, "completed") != null) {
                JsonNode t = Json.obj(info, "tokens");
                StringBuilder sb = new StringBuilder(Json.text(info, "finish") == null ? "done"
                        : Json.text(info, "finish"));
                if (unannounced.contains(id)) {
                    sb.append(" · ").append(model);
                }
                sb.append(" · tokens in ").append(Json.num(t, "input")).append(" out ").append(Json.num(t, "output"));
                if (Json.num(t, "reasoning") > 0) {
                    sb.append(" reasoning ").append(Json.num(t, "reasoning"));
                }
                Long created = Json.optNum(time, "created");
                if (created != null) {
                    sb.append(String.format(Locale.ROOT, " · %.1f s", (Json.num(time, "completed") - created) / 1000.0));
                }
                line("[finish]", "", sb.toString(), session);
            }
        }
    }

    private void part(JsonNode part, String session, boolean mine) {
        String id = Json.text(part, "id");
        String type = Json.text(part, "type");
        if (id == null || type == null) {
            return;
        }
        partTypes.put(id, type);
        if (opt.json()) {
            return;
        }
        String messageID = Json.text(part, "messageID");
        if (messageID != null && !roles.containsKey(messageID) && announced.add(messageID)) {
            unannounced.add(messageID);
        }
        switch (type) {
            case "text", "reasoning" -> {
                String text = Json.text(part, "text");
                if ("user".equals(roles.get(messageID))) {
                    if ("text".equals(type) && text != null && !text.isBlank() && !part.path("synthetic").asBoolean()
                            && usersShown.add(id)) {
                        line("[user]", "bold", OpencodeClient.oneLine(text, LINE_MAX), session);
                    }
                } else if (mine && text != null) {
                    // Catch up with whatever the deltas did not bring (events missed, or watching from mid-part).
                    StringBuilder done = printed.computeIfAbsent(id, k -> new StringBuilder());
                    if (text.length() > done.length() && text.startsWith(done.toString())) {
                        write(id, type, text.substring(done.length()));
                    }
                }
            }
            case "tool" -> {
                JsonNode state = Json.obj(part, "state");
                String status = Json.text(state, "status");
                if (status == null || status.equals(toolStatus.put(id, status))) {
                    return;
                }
                String tool = Json.text(part, "tool");
                StringBuilder sb = new StringBuilder(tool == null ? "?" : tool).append(' ').append(status);
                String input = ToolInput.summary(tool, state == null ? null : state.get("input"), 120);
                if (input != null) {
                    sb.append(": ").append(input);
                }
                if ("completed".equals(status)) {
                    String output = Json.text(state, "output");
                    if (output != null) {
                        long lines = output.isEmpty() ? 0 : output.lines().count();
                        sb.append(" (").append(lines).append(lines == 1 ? " line" : " lines").append(" of output)");
                    }
                } else if ("error".equals(status)) {
                    sb.append(" — ").append(OpencodeClient.oneLine(Json.text(state, "error"), LINE_MAX));
                }
                line("[tool]", "error".equals(status) ? "red" : "", sb.toString(), session);
            }
            default -> { }
        }
    }

    private void delta(String partId, String messageID, String delta) {
        if (partId == null || delta == null || "user".equals(roles.get(messageID))) {
            return;
        }
        String type = partTypes.get(partId);
        // A delta of a part not announced yet is left out: the part's next update carries it, and is caught up then.
        if (type != null) {
            write(partId, type, delta);
        }
    }

    private void write(String partId, String type, String text) {
        printed.computeIfAbsent(partId, k -> new StringBuilder()).append(text);
        boolean reasoning = "reasoning".equals(type);
        if (text.isEmpty() || !("text".equals(type) || reasoning && opt.thinking())) {
            return;
        }
        if (!partId.equals(textPart)) {
            if (!atLineStart) {
                out.println();
            }
            if (reasoning) {
                out.println(style.dim("[thinking]"));
            }
            textPart = partId;
        }
        out.print(reasoning ? style.dim(text) : text);
        out.flush();
        atLineStart = text.endsWith("\n");
    }

    private void line(String tag, String colour, String text, String session) {
        if (opt.json()) {
            return;
        }
        if (!atLineStart) {
            out.println();
        }
        String t = switch (colour) {
            case "red" -> style.red(tag);
            case "yellow" -> style.yellow(tag);
            case "cyan" -> style.cyan(tag);
            case "bold" -> style.bold(tag);
            default -> style.dim(tag);
        };
        // Tool names, titles and patterns come from the server: cleaned of terminal escapes.
        out.println(style.clean(t + " " + text + (session == null || session.equals(sid) ? ""
                : style.dim(" (in " + session + ")"))));
        out.flush();
        atLineStart = true;
        textPart = null;
    }

    private void note(String text) {
        out.flush();
        err.println("ocs: " + text);
        err.flush();
    }

    private Outcome end(End end) {
        return new Outcome(end, List.copyOf(sessionErrors));
    }
}

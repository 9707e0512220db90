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

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows one session's run over the event stream until it is over: idle, stopped on a permission, retrying
 * past the limit, or out of time. Events can be missed, so the caller reads the messages afterwards; when
 * the stream is silent or reconnects, the session's status is asked directly.
 */
public final class Waiter {
    public enum End { IDLE, PERMISSION, RETRYING, TIMEOUT }

    public record Options(Duration timeout, int maxRetries, String onPermission, boolean stream, boolean thinking,
                          Duration silence) {}

    public record Outcome(End end, Permission permission, List<String> sessionErrors) {}

    private final Api client;
    private final Sessions sessions;
    private final Permissions permissions;
    private final Options opt;
    private final PrintWriter out;
    private final StatusLine status;

    private final Set<String> family = new HashSet<>();
    /** Permission requests already handled, so that polling and the events never answer one twice. */
    private final Set<String> answered = new HashSet<>();
    private final Map<String, String> partTypes = new HashMap<>();
    private final Map<String, StringBuilder> pending = new HashMap<>();
    private final List<String> sessionErrors = new ArrayList<>();
    private String lastStreamedPart;
    private boolean wroteText;
    private boolean sawWork;

    public Waiter(Api client, Options opt, PrintWriter out, StatusLine status) {
        this.client = client;
        this.sessions = new Sessions(client);
        this.permissions = new Permissions(client);
        this.opt = opt;
        this.out = out;
        this.status = status;
    }

    public Outcome await(EventFeed feed, String sid) throws InterruptedException {
        family.add(sid);
        long deadline = System.nanoTime() + opt.timeout().toNanos();
        long lastActivity = System.nanoTime();
        long lastPoll = 0;
        boolean polling = false;
        status.show("working");
        try {
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return outcome(End.TIMEOUT, null);
                }
                long waitMs = Math.min((deadline - now) / 1_000_000 + 1, 1_000);
                EventFeed.Item item = feed.poll(Duration.ofMillis(waitMs));
                boolean checkStatus = false;
                if (item instanceof EventFeed.Got got) {
                    lastActivity = System.nanoTime();
                    Outcome o = handle(got.event(), sid);
                    if (o != null) {
                        return o;
                    }
                } else if (item instanceof EventFeed.Unsteady u) {
                    status.note(u.why() + "; following the run by polling the server until the stream holds");
                    polling = true;
                } else if (item instanceof EventFeed.Dropped d) {
                    if (!d.quiet()) {
                        polling = false;
                        status.note(d.why() + "; reconnecting");
                    }
                } else if (item instanceof EventFeed.Reconnected r) {
                    if (!r.quiet()) {
                        status.note("event stream reconnected");
                    }
                    checkStatus = true;
                }
                boolean silent = System.nanoTime() - lastActivity > opt.silence().toNanos();
                long sincePoll = System.nanoTime() - lastPoll;
                if (checkStatus || polling && sincePoll > 1_000_000_000L || silent && sincePoll > 2_000_000_000L) {
                    lastPoll = System.nanoTime();
                    // Events were missed across a reconnect: a permission asked meanwhile is found in the list.
                    Outcome o = polling || checkStatus ? fromPermissions() : null;
                    if (o == null) {
                        o = fromStatus(sessions.status(sid));
                    }
                    if (o != null) {
                        return o;
                    }
                }
            }
        } finally {
            if (wroteText) {
                out.println();
            }
            out.flush();
            status.clear();
        }
    }

    /** While the event stream is unsteady: a pending permission of the run, found by asking for the list. */
    private Outcome fromPermissions() {
        for (Permission perm : sessions.permissions(null)) {
            if (family.contains(perm.sessionID()) && answered.add(perm.id())) {
                Outcome o = onPermission(perm, perm.sessionID());
                if (o != null) {
                    return o;
                }
            }
        }
        return null;
    }

    private Outcome onPermission(Permission perm, String about) {
        if ("stop".equals(opt.onPermission())) {
            return outcome(End.PERMISSION, perm);
        }
        permissions.reply(perm, about, opt.onPermission(), null);
        status.note("answered " + perm.id() + " (" + perm.permission() + ": " + perm.patternText() + ") with "
                + opt.onPermission());
        return null;
    }

    private Outcome fromStatus(Status st) {
        if (st.idle()) {
            return outcome(End.IDLE, null);
        }
        if (st.retry() && st.attempt() != null && st.attempt() > opt.maxRetries()) {
            return outcome(End.RETRYING, null);
        }
        return null;
    }

    private Outcome handle(Event e, String sid) {
        String about = e.sessionID();
        JsonNode p = e.properties();
        switch (e.type()) {
            case "session.created", "session.updated" -> {
                JsonNode info = Json.obj(p, "info");
                String parent = Json.text(info, "parentID");
                if (parent != null && family.contains(parent)) {
                    family.add(Json.text(info, "id"));
                }
                return null;
            }
            default -> {
                if (about == null || !family.contains(about)) {
                    return null;
                }
            }
        }
        boolean mine = sid.equals(about);
        switch (e.type()) {
            case "session.status" -> {
                JsonNode st = Json.obj(p, "status");
                String type = Json.text(st, "type");
                if (!mine) {
                    return null;
                }
                if ("busy".equals(type)) {
                    sawWork = true;
                    status.show("working");
                } else if ("retry".equals(type)) {
                    sawWork = true;
                    int attempt = (int) Json.num(st, "attempt");
                    status.show("retrying, attempt " + attempt + ": " + OpencodeClient.oneLine(Json.text(st, "message"), 60));
                    if (attempt > opt.maxRetries()) {
                        return outcome(End.RETRYING, null);
                    }
                } else if ("idle".equals(type) && sawWork) {
                    return outcome(End.IDLE, null);
                }
            }
            case "session.idle" -> {
                if (mine && sawWork) {
                    return outcome(End.IDLE, null);
                }
            }
            case "session.error" -> {
                JsonNode err = p.get("error");
                String name = Json.text(err, "name");
                String msg = Json.text(Json.obj(err, "data"), "message");
                sessionErrors.add((name == null ? "error" : name) + (msg == null ? "" : ": " + msg));
                status.note("session error: " + sessionErrors.get(sessionErrors.size() - 1));
                if (mine) {
                    sawWork = true;
                }
            }
            case "message.updated" -> {
                if (mine && "assistant".equals(Json.text(Json.obj(p, "info"), "role"))) {
                    sawWork = true;
                }
            }
            case "permission.asked", "permission.updated" -> { // 1.0 calls it permission.updated
                Permission perm = Permission.from(p);
                if (perm.id() == null || answered.add(perm.id())) {
                    Outcome o = onPermission(perm, about);
                    if (o != null) {
                        return o;
                    }
                }
            }
            case "message.part.updated" -> {
                JsonNode part = Json.obj(p, "part");
                String id = Json.text(part, "id");
                String type = Json.text(part, "type");
                if (id != null && type != null) {
                    partTypes.put(id, type);
                    StringBuilder early = pending.remove(id);
                    if (early != null && mine) {
                        write(id, type, early.toString());
                    }
                }
                if ("tool".equals(type)) {
                    status.show("tool " + Json.text(part, "tool") + " " + Json.text(Json.obj(part, "state"), "status"));
                }
            }
            case "message.part.delta" -> {
                if (!mine || !opt.stream()) {
                    return null;
                }
                String id = Json.text(p, "partID");
                String delta = Json.text(p, "delta");
                if (id == null || delta == null || !"text".equals(Json.text(p, "field"))) {
                    return null;
                }
                String type = partTypes.get(id);
                if (type == null) {
                    pending.computeIfAbsent(id, k -> new StringBuilder()).append(delta);
                } else {
                    write(id, type, delta);
                }
            }
            default -> { }
        }
        return null;
    }

    private void write(String partId, String type, String text) {
        if (!opt.stream() || text.isEmpty() || !("text".equals(type) || "reasoning".equals(type) && opt.thinking())) {
            return;
        }
        if (lastStreamedPart != null && !lastStreamedPart.equals(partId)) {
            out.print("\n\n");
        }
        lastStreamedPart = partId;
        status.clear();
        out.print(text);
        out.flush();
        wroteText = true;
    }

    private Outcome outcome(End end, Permission p) {
        return new Outcome(end, p, List.copyOf(sessionErrors));
    }

    public boolean streamedText() {
        return wroteText;
    }
}

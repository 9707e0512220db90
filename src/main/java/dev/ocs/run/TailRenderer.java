package dev.ocs.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.events.Event;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.Status;
import dev.ocs.session.Style;
import dev.ocs.session.ToolInput;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * For {@code watch}: a live, readable tail on stdout of the sessions followed: their text as it is written, each
 * tool call's status changes, permission requests and questions with the command that answers them, retries,
 * errors and status changes; for child sessions, everything but their text. With {@code json}, the server's own
 * events instead, one per line, unchanged. Notes about the connection go to stderr.
 */
public final class TailRenderer implements Renderer {
    private static final int LINE_MAX = 200;

    private final boolean json;
    private final boolean thinking;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final String ocs;

    private List<String> followed = List.of();
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
    private String textPart;
    private boolean atLineStart = true;

    /** @param ocs the ocs command line to put in advice ("ocs", or with --url) */
    public TailRenderer(boolean json, boolean thinking, PrintWriter out, PrintWriter err, Style style, String ocs) {
        this.json = json;
        this.thinking = thinking;
        this.out = out;
        this.err = err;
        this.style = style;
        this.ocs = ocs;
    }

    @Override
    public void begin(List<String> sessions) {
        followed = List.copyOf(sessions);
    }

    /** Lines about the one session followed carry no "(in …)": only those about a child, or with several. */
    private boolean single(String session) {
        return followed.size() == 1 && followed.get(0).equals(session);
    }

    @Override
    public void event(Event e) {
        if (json) {
            out.println(e.jsonLine());
            out.flush();
        }
    }

    @Override
    public void child(String id, String parent, String title) {
        line("[child]", "cyan", id + " started" + (title == null ? "" : ": " + OpencodeClient.oneLine(title, 80)),
                parent);
    }

    @Override
    public void deleted(String session) {
        line("[status]", "", "session deleted", session);
    }

    @Override
    public void error(String session, String text) {
        line("[error]", "red", OpencodeClient.oneLine(text, LINE_MAX), session);
    }

    @Override
    public void permissionReplied(String session, String id, String reply) {
        line("[permission]", "yellow", id + " answered: " + reply, session);
    }

    @Override
    public void question(Question q) {
        line("[question]", "yellow", OpencodeClient.oneLine(q.summary(), 300) + " (" + q.id() + "); answer it: "
                + Diagnosis.answerCommand(ocs, q) + " [--text TEXT | --reject]", q.sessionID());
    }

    @Override
    public void questionReplied(String session, String id, List<List<String>> answers) {
        if (answers == null) {
            line("[question]", "yellow", id + " rejected", session);
            return;
        }
        line("[question]", "yellow", id + " answered: " + OpencodeClient.oneLine(Answers.text(answers), LINE_MAX),
                session);
    }

    @Override
    public String missedNote() {
        return json ? "" : "; what happened in between is not shown";
    }

    @Override
    public void end() {
        if (!atLineStart) {
            out.println();
            atLineStart = true;
        }
        out.flush();
    }

    @Override
    public void status(String session, Status st) {
        String key = st.retry() ? "retry " + st.attempt() : st.type();
        if (key.equals(statusShown.put(session, key)) || json) {
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

    @Override
    public void permission(Permission perm) {
        if (json) {
            return;
        }
        String session = perm.sessionID();
        line("[permission]", "yellow", perm.permission() + ": " + OpencodeClient.oneLine(perm.patternText(), 120)
                + " (" + perm.id() + "); answer it: " + ocs + " approve " + session + " " + perm.id()
                + " [--always | --reject]", session);
    }

    @Override
    public void message(String session, JsonNode info) {
        String id = Json.text(info, "id");
        String role = Json.text(info, "role");
        if (id == null || role == null) {
            return;
        }
        roles.put(id, role);
        if (json || !"assistant".equals(role)) {
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

    @Override
    public void part(String session, JsonNode part, boolean mine) {
        String id = Json.text(part, "id");
        String type = Json.text(part, "type");
        if (id == null || type == null) {
            return;
        }
        partTypes.put(id, type);
        if (json) {
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

    @Override
    public void delta(String session, String partId, String messageID, String delta) {
        if (json || partId == null || delta == null || "user".equals(roles.get(messageID))) {
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
        if (text.isEmpty() || !("text".equals(type) || reasoning && thinking)) {
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
        if (json) {
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
        out.println(style.clean(t + " " + text + (session == null || single(session) ? ""
                : style.dim(" (in " + session + ")"))));
        out.flush();
        atLineStart = true;
        textPart = null;
    }

    @Override
    public void note(String text) {
        out.flush();
        err.println("ocs: " + text);
        err.flush();
    }
}

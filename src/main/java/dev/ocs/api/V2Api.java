package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.ApiException;
import dev.ocs.http.Connection;
import dev.ocs.http.ChunkedInputStream;
import dev.ocs.http.Json;
import dev.ocs.http.NotJsonException;
import dev.ocs.http.OpencodeClient;
import dev.ocs.http.OpencodeClient.BodyReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static dev.ocs.http.OpencodeClient.path;
import static dev.ocs.http.OpencodeClient.query;

/**
 * The {@code /api} generation (served beside the older routes since 1.18; the only one from 2.0): every core call
 * goes to an {@code /api} route, and its answers are handed on in the older generation's shapes
 * ({@link V2Shapes}, {@link V2Events}), so that one message parser and one follow loop serve both.
 *
 * <p>What {@code /api} has no route for (delete, fork, rename, diff, todo, the configuration, a title on create)
 * goes to the older route through {@link V1Api} while the server still answers it, said under {@code -v}; a
 * server without either answers exit 6 naming the feature.
 */
public final class V2Api implements Api {
    /** Messages asked per page: a page is held whole while it is translated, the session never is. */
    static final int PAGE = 50;
    /** Sessions asked per page of the list (and how many pages a look for children reads at most). */
    private static final int SESSION_PAGE = 100;
    private static final int CHILD_PAGES = 20;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final OpencodeClient client;
    private final V1Api older;
    private final PrintWriter trace;
    /** Each pending question's session: v2 replies go to the session's route, the interface names only the id. */
    private final Map<String, String> questionSessions = new ConcurrentHashMap<>();
    private final Set<String> said = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final PrintWriter warn;

    /**
     * @param trace where {@code -v} says which features use an older route, or null
     * @param warn  stderr, for what is said whether or not {@code -v}
     */
    public V2Api(OpencodeClient client, PrintWriter trace, PrintWriter warn) {
        this.client = client;
        this.older = new V1Api(client);
        this.trace = trace;
        this.warn = warn;
    }

    @Override
    public String generation() {
        return "v2";
    }

    @Override
    public Connection connection() {
        return client.connection();
    }

    @Override
    public String describe() {
        return "opencode at " + connection().displayUrl() + " (API v2)";
    }

    @Override
    public ServerIdentity identify(Duration timeout) {
        JsonNode n;
        try {
            n = timeout == null ? client.get("/api/health") : client.getWithin("/api/health", timeout);
        } catch (NotJsonException e) {
            throw noApi(e.evidence());
        } catch (ApiException e) {
            if (e.exitCode() == ExitCode.AUTH || e.isServerError()) {
                throw e;
            }
            throw noApi(e.evidence() != null ? e.evidence() : e.getMessage());
        }
        if (n == null || !n.isObject() || !n.has("healthy")) {
            throw noApi("GET /api/health answered JSON without 'healthy'");
        }
        // /api/health reports no version (1.18.33: {"healthy":true}); asking the older route would be a v1 call.
        return new ServerIdentity(Json.text(n, "version"), true);
    }

    private NotOpencodeException noApi(String said) {
        return new NotOpencodeException(connection().displayUrl() + ": no opencode /api routes (" + said
                + "); --api v2 needs opencode 1.18 or newer (use --api v1 or auto)");
    }

    /** A core call: an answer that is not opencode's says this server has no {@code /api} route for it. */
    private <T> T api(String feature, Supplier<T> call) {
        try {
            return call.get();
        } catch (OcsException e) {
            if (!V1Api.foreign(e)) {
                throw e;
            }
            String evidence = V1Api.evidence(e);
            throw new OcsException(ExitCode.SERVER_ERROR, "opencode at " + connection().displayUrl()
                    + " cannot " + feature + " over /api (" + evidence + "); use --api v1 for an older server", e);
        }
    }

    /**
     * A feature {@code /api} has no route for: the older route, said once under {@code -v}; a server that lacks
     * it too (2.0) answers exit 6 naming the feature.
     */
    private <T> T older(String feature, Supplier<T> call) {
        if (trace != null && said.add(feature)) {
            trace.println("ocs: /api has no route to " + feature + "; using the older (v1) route");
            trace.flush();
        }
        try {
            return call.get();
        } catch (NotOpencodeException e) {
            throw missing(feature, e);
        } catch (OcsException e) {
            if (V1Api.foreign(e) || e.getCause() instanceof OcsException c && V1Api.foreign(c)) {
                throw missing(feature, e);
            }
            throw e;
        }
    }

    private OcsException missing(String feature, Exception e) {
        return new Missing("opencode at " + connection().displayUrl() + " cannot " + feature
                + ": /api has no route for it and the older route is gone", e);
    }

    /** A feature neither {@code /api} nor the older routes have on this server. Exit 6. */
    static final class Missing extends OcsException {
        private static final long serialVersionUID = 1L;

        Missing(String message, Exception cause) {
            super(ExitCode.SERVER_ERROR, message, cause);
        }
    }

    private static String sessionPath(String sid, String... more) {
        String[] all = new String[3 + more.length];
        all[0] = "api";
        all[1] = "session";
        all[2] = sid;
        System.arraycopy(more, 0, all, 3, more.length);
        return path(all);
    }

    private static JsonNode data(JsonNode answer) {
        return answer == null ? null : answer.get("data");
    }

    private JsonNode shaped(String what, JsonNode n, boolean ok, String expected) {
        if (ok) {
            return n;
        }
        throw new OcsException(ExitCode.SERVER_ERROR, "unexpected answer to " + what + " on "
                + connection().displayUrl() + ": " + (n == null ? "nothing" : "not " + expected));
    }

    @Override
    public JsonNode session(String sid) {
        JsonNode n = data(api("read a session", () -> client.get(sessionPath(sid))));
        return V2Shapes.session(shaped("GET /api/session/" + sid, n, V1Api.isSession(n), "a session"));
    }

    /** One page of an {@code /api} list: its items, and the cursor of the page after it (null: the last one). */
    private record Page(List<JsonNode> items, String next) {}

    /**
     * A page of an {@code /api} list: the first (asked with {@code first}) when {@code cursor} is null, else the
     * one the cursor names. A short page, or a cursor that does not move, is the last.
     */
    private Page page(String feature, String route, Map<String, String> first, String cursor, int size) {
        JsonNode answer = api(feature, () -> client.get(route, cursor == null ? first
                : query("cursor", cursor, "limit", Integer.toString(size))));
        List<JsonNode> items = V2Shapes.data(shaped("GET " + route, answer,
                answer != null && answer.path("data").isArray(), "a list"));
        String next = Json.text(Json.obj(answer, "cursor"), "next");
        return new Page(items, items.size() < size || next == null || next.equals(cursor) ? null : next);
    }

    @Override
    public <T> T messages(String sid, Integer limit, BodyReader<T> reader) {
        String route = sessionPath(sid, "message");
        InputStream body;
        if (limit != null) {
            // The newest ones: asked newest first, handed on oldest first (at most limit, held whole).
            List<JsonNode> page = V2Shapes.data(api("read a session's messages", () -> client.get(route,
                    query("order", "desc", "limit", Integer.toString(limit)))));
            Collections.reverse(page);
            body = new MessagePages(sid, route, page, null);
        } else {
            Page first = page("read a session's messages", route, query("order", "asc", "limit",
                    Integer.toString(PAGE)), null, PAGE);
            body = new MessagePages(sid, route, first.items(), first.next());
        }
        try (InputStream in = body) {
            return reader.read(in);
        } catch (JsonProcessingException e) {
            throw new OcsException(ExitCode.SERVER_ERROR, "unreadable messages of " + sid + " from "
                    + connection().displayUrl() + ": " + OpencodeClient.oneLine(e.getOriginalMessage(), 160), e);
        } catch (IOException e) {
            throw new OcsException(ExitCode.SERVER_ERROR, "reading the messages of " + sid + " from "
                    + connection().displayUrl() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The messages as the older route sends them ({@code [{info, parts}, …]}), one page asked at a time as the
     * reader gets to it: a session of any size costs one page of memory here.
     */
    private final class MessagePages extends ChunkedInputStream {
        private final String sid;
        private final String route;
        private List<JsonNode> page;
        private String next;
        private boolean opened;
        private boolean first = true;
        private boolean ended;

        /** @param next the cursor of the page after {@code page}, null when it is the last */
        MessagePages(String sid, String route, List<JsonNode> page, String next) {
            this.sid = sid;
            this.route = route;
            this.page = page;
            this.next = next;
        }

        @Override
        protected byte[] next() {
            if (ended) {
                return null;
            }
            if (!opened) {
                opened = true;
                return "[".getBytes(StandardCharsets.UTF_8);
            }
            if (page == null || page.isEmpty()) {
                if (next != null) {
                    Page p = page("read a session's messages", route, null, next, PAGE);
                    page = p.items();
                    next = p.next();
                } else {
                    page = List.of();
                }
                if (page.isEmpty()) {
                    ended = true;
                    return "]".getBytes(StandardCharsets.UTF_8);
                }
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (JsonNode m : page) {
                ObjectNode v1 = V2Shapes.message(sid, m);
                if (v1 != null) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    out.writeBytes(Json.bytes(v1));
                }
            }
            page = null;
            return out.toByteArray();
        }
    }

    @Override
    public JsonNode sessions(int limit, boolean roots, String search) {
        return sessionsWhere("list sessions", limit, search, s -> !roots || Json.text(s, "parentID") == null);
    }

    /** {@code /api} lists no children: the session list, read for those whose parent this is. */
    @Override
    public JsonNode children(String sid) {
        return sessionsWhere("list a session's children", Integer.MAX_VALUE, null,
                s -> sid.equals(Json.text(s, "parentID")));
    }

    /** The sessions {@code keep} takes, newest first, from at most {@link #CHILD_PAGES} pages of the list. */
    private ArrayNode sessionsWhere(String feature, int limit, String search,
                                    java.util.function.Predicate<JsonNode> keep) {
        ArrayNode out = F.arrayNode();
        int size = Math.min(SESSION_PAGE, Math.max(1, limit));
        String cursor = null;
        for (int pages = 0; out.size() < limit && pages < CHILD_PAGES; pages++) {
            Page page = page(feature, "/api/session", query("limit", Integer.toString(size), "search", search),
                    cursor, size);
            for (JsonNode s : page.items()) {
                if (out.size() < limit && keep.test(s)) {
                    out.add(V2Shapes.session(s));
                }
            }
            cursor = page.next();
            if (cursor == null) {
                break;
            }
        }
        return out;
    }

    @Override
    public JsonNode sessionStatus() {
        return V2Shapes.statuses(data(api("read which sessions are running",
                () -> client.get("/api/session/active"))));
    }

    @Override
    public JsonNode permissions() {
        ArrayNode out = F.arrayNode();
        for (JsonNode r : V2Shapes.data(api("list pending permissions", () -> client.get("/api/permission/request")))) {
            out.add(V2Shapes.permission(r));
        }
        return out;
    }

    @Override
    public JsonNode questions() {
        ArrayNode out = F.arrayNode();
        for (JsonNode q : V2Shapes.data(api("list pending questions", () -> client.get("/api/question/request")))) {
            String id = Json.text(q, "id");
            String sid = Json.text(q, "sessionID");
            if (id != null && sid != null) {
                questionSessions.put(id, sid);
            }
            out.add(q);
        }
        return out;
    }

    @Override
    public boolean replyQuestion(String questionID, List<List<String>> answers) {
        return question(questionID, "reply", Map.of("answers", answers));
    }

    @Override
    public boolean rejectQuestion(String questionID) {
        return question(questionID, "reject", null);
    }

    private boolean question(String questionID, String verb, Object body) {
        String sid = questionSessions.get(questionID);
        if (sid == null) {
            questions();
            sid = questionSessions.get(questionID);
            if (sid == null) {
                return false; // not pending
            }
        }
        String s = sid;
        return ifFound(() -> api("answer a question", () -> client.post(sessionPath(s, "question", questionID, verb),
                null, body == null ? Map.of() : body)));
    }

    /** False when opencode itself answers 404 (the request or session is gone), true when done. */
    private static boolean ifFound(Supplier<?> call) {
        try {
            call.get();
            return true;
        } catch (ApiException e) {
            if (e.status() == 404 && e.isServerError()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public JsonNode todo(String sid) {
        return older("read a session's todo list", () -> older.todo(sid));
    }

    /**
     * The older diff and fork routes read the older engine's messages, which 1.18.33 keeps apart from those of a
     * run over {@code /api}: for a session with {@code /api} messages they would answer "no changes" and an empty
     * copy. That is refused, naming what is missing, rather than answered wrong.
     */
    @Override
    public JsonNode diff(String sid, String messageID) {
        if (hasApiMessages(sid)) {
            List<String> files = changedFiles(sid);
            throw new OcsException(ExitCode.SERVER_ERROR, "opencode at " + connection().displayUrl()
                    + " cannot show the changes of a session run over /api: /api has no route for them, and the older "
                    + "route does not see such sessions" + (files.isEmpty() ? ""
                    : " (its messages name the files changed: " + String.join(", ", files) + ")"));
        }
        return older("show a session's changes", () -> older.diff(sid, messageID));
    }

    @Override
    public JsonNode fork(String sid, String messageID) {
        if (hasApiMessages(sid)) {
            throw new OcsException(ExitCode.SERVER_ERROR, "opencode at " + connection().displayUrl()
                    + " cannot fork a session run over /api: /api has no route for it, and the older route copies "
                    + "only the messages it sees, which are none of these");
        }
        return older("fork a session", () -> older.fork(sid, messageID));
    }

    private boolean hasApiMessages(String sid) {
        return !V2Shapes.data(api("read a session's messages", () -> client.get(sessionPath(sid, "message"),
                query("limit", "1")))).isEmpty();
    }

    /** The files the session's steps changed, as its messages' snapshots name them, in the order first seen. */
    private List<String> changedFiles(String sid) {
        java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>();
        String cursor = null;
        for (int pages = 0; pages < 10_000; pages++) {
            Page page = page("read a session's messages", sessionPath(sid, "message"), query("order", "asc",
                    "limit", Integer.toString(PAGE)), cursor, PAGE);
            for (JsonNode m : page.items()) {
                for (JsonNode f : m.path("snapshot").path("files")) {
                    files.add(f.asText());
                }
            }
            cursor = page.next();
            if (cursor == null) {
                break;
            }
        }
        return new ArrayList<>(files);
    }

    @Override
    public boolean deleteSession(String sid) {
        return older("delete a session", () -> older.deleteSession(sid));
    }

    @Override
    public JsonNode renameSession(String sid, String title) {
        return older("rename a session", () -> older.renameSession(sid, title));
    }

    /** v2 creates a session without a title: one given is set by the older rename route afterwards. */
    @Override
    public JsonNode createSession(Map<String, Object> body) {
        JsonNode n = data(api("create a session", () -> client.post("/api/session", null, Map.of())));
        JsonNode info = V2Shapes.session(shaped("POST /api/session", n, V1Api.isSession(n), "a session"));
        Object title = body.get("title");
        if (title != null) {
            String sid = Json.text(info, "id");
            try {
                return V2Shapes.session(older("give a session a title on create", () -> older.renameSession(sid,
                        title.toString())));
            } catch (Missing e) {
                // the session is there and the prompt is still to go: it goes, untitled, and that is said
                warn.println("ocs: warning: " + sid + " has no title: " + e.getMessage());
                warn.flush();
            }
        }
        return info;
    }

    /**
     * The older prompt body ({@code {model, agent, parts}}) the v2 way: v2 keeps model and agent on the session,
     * so they are set there first, then the text is admitted.
     */
    @Override
    public void prompt(String sid, Map<String, Object> body) {
        Object model = body.get("model");
        if (model instanceof Map<?, ?> m) {
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("id", m.get("modelID"));
            ref.put("providerID", m.get("providerID"));
            api("choose a session's model", () -> client.post(sessionPath(sid, "model"), null, Map.of("model", ref)));
        }
        Object agent = body.get("agent");
        if (agent != null) {
            api("choose a session's agent", () -> client.post(sessionPath(sid, "agent"), null,
                    Map.of("agent", agent.toString())));
        }
        StringBuilder text = new StringBuilder();
        if (body.get("parts") instanceof List<?> parts) {
            for (Object p : parts) {
                if (p instanceof Map<?, ?> part && "text".equals(part.get("type")) && part.get("text") != null) {
                    if (text.length() > 0) {
                        text.append('\n');
                    }
                    text.append(part.get("text"));
                }
            }
        }
        api("start a prompt", () -> client.post(sessionPath(sid, "prompt"), null,
                Map.of("prompt", Map.of("text", text.toString()))));
    }

    @Override
    public void abort(String sid) {
        api("interrupt a session", () -> client.post(sessionPath(sid, "interrupt"), null, Map.of()));
    }

    @Override
    public boolean replyPermission(String sid, String permissionID, String reply, String message) {
        String s = sid;
        if (s == null) {
            for (JsonNode p : permissions()) {
                if (permissionID.equals(Json.text(p, "id"))) {
                    s = Json.text(p, "sessionID");
                }
            }
            if (s == null) {
                return false;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reply", reply);
        if (message != null) {
            body.put("message", message);
        }
        String session = s;
        return ifFound(() -> api("answer a permission", () -> client.post(sessionPath(session, "permission",
                permissionID, "reply"), null, body)));
    }

    @Override
    public JsonNode config() {
        return older("show its configuration", older::config);
    }

    @Override
    public JsonNode configProviders() {
        JsonNode providers = data(api("list its providers", () -> client.get("/api/provider")));
        JsonNode models = data(api("list its models", () -> client.get("/api/model")));
        return V2Shapes.providers(providers, models);
    }

    @Override
    public InputStream events() {
        return V2Events.stream(api("stream events", () -> client.openStream("/api/event", null)));
    }

    /**
     * v2's stream tells nothing of a run that never starts a step (an unknown model: no error, no idle), so the
     * server is asked sooner; the three small reads this costs are spent only while the stream is quiet.
     */
    @Override
    public Duration quietLimit() {
        return Duration.ofSeconds(5);
    }

    /** {@code /api/event} is the one stream: there is no other to switch to. */
    @Override
    public String eventsFallback() {
        return null;
    }

    /** For tests: the messages of a recorded page, translated as {@link #messages} hands them on. */
    static InputStream translated(String sid, List<JsonNode> page) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : page) {
            ObjectNode v1 = V2Shapes.message(sid, m);
            if (v1 != null) {
                out.add(v1);
            }
        }
        return new ByteArrayInputStream(Json.bytes(out));
    }
}

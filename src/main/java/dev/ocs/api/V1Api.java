package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.ApiException;
import dev.ocs.http.Connection;
import dev.ocs.http.Json;
import dev.ocs.http.NotJsonException;
import dev.ocs.http.OpencodeClient;
import dev.ocs.http.OpencodeClient.BodyReader;

import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.ocs.http.OpencodeClient.path;
import static dev.ocs.http.OpencodeClient.query;

/**
 * The routes of opencode 1.0 to 1.18 (the generation before {@code /api}), and the one place that knows them.
 *
 * <p>Nothing is asked up front: the current line answers every route, so a call costs what it did before this
 * layer. Only an answer that does not fit (a bare 404, an HTML page, a 500 that is not opencode's JSON error)
 * makes it find out, once, what the server is: an old opencode without that route (exit 6 naming version and
 * feature, or, for an optional read, no answer), or not opencode at all (exit 6 saying so).
 */
public final class V1Api implements Api {
    private final OpencodeClient client;
    private volatile ServerIdentity identity;
    private volatile boolean globalEvents;

    public V1Api(OpencodeClient client) {
        this.client = client;
    }

    @Override
    public String generation() {
        return "v1";
    }

    @Override
    public Connection connection() {
        return client.connection();
    }

    @Override
    public String describe() {
        ServerIdentity id = known();
        return "opencode " + (id == null || id.version() == null ? "(version not reported)" : id.version()) + " at "
                + connection().displayUrl();
    }

    @Override
    public ServerIdentity identify(Duration timeout) {
        ServerIdentity found = probe(timeout);
        identity = found;
        return found;
    }

    /**
     * What the server is, asked once: for explaining an answer that does not fit. Throws only when the server is
     * not one ocs can talk to; null when asking failed some other way (the caller's own error then stands).
     */
    private ServerIdentity known() {
        ServerIdentity id = identity;
        if (id != null) {
            return id;
        }
        try {
            return identify(null);
        } catch (NotOpencodeException e) {
            throw e;
        } catch (OcsException e) {
            return null;
        }
    }

    /** A line that has routes the current one lacks: 1.0.x, or a server that reports no version (1.0.0). */
    private static boolean oldLine(ServerIdentity id) {
        return id != null && (id.version() == null || id.version().startsWith("1.0."));
    }

    private ServerIdentity probe(Duration timeout) {
        String healthSaid;
        try {
            JsonNode n = timeout == null ? client.get("/global/health") : client.getWithin("/global/health", timeout);
            if (n != null && n.isObject() && n.has("healthy")) {
                String version = Json.text(n, "version");
                unsupported(version);
                return new ServerIdentity(version, true);
            }
            healthSaid = "GET /global/health answered JSON without 'healthy'";
        } catch (ApiException e) {
            if (e.exitCode() == ExitCode.AUTH || e.isServerError() && !proxiedToWebUi(e)) {
                throw e; // opencode's own error: the server is opencode, and this is what it said
            }
            healthSaid = e.evidence() != null ? e.evidence() : e.getMessage();
        } catch (NotJsonException e) {
            healthSaid = e.evidence();
        }
        // 1.0.0 has no health route, and 0.x neither: both list sessions.
        try {
            JsonNode sessions = timeout == null ? client.get("/session") : client.getWithin("/session", timeout);
            if (sessions != null && sessions.isArray() && looksLikeSessions(sessions)) {
                if (isZeroLine()) {
                    throw new NotOpencodeException("opencode 0.x is not supported (at "
                            + connection().displayUrl() + "); upgrade to 1.0 or newer");
                }
                return new ServerIdentity(versionOf(sessions), false);
            }
        } catch (ApiException e) {
            if (e.exitCode() == ExitCode.AUTH) {
                throw e;
            }
        } catch (NotJsonException e) {
            // described by the health answer below
        }
        throw notOpencode(healthSaid);
    }

    /** 0.x answers {@code GET /app} with the app's paths; 1.x has no such route. */
    private boolean isZeroLine() {
        try {
            JsonNode app = client.get("/app");
            return app != null && app.isObject() && app.has("path");
        } catch (OcsException e) {
            return false;
        }
    }

    /** 1.0's sessions carry the version that made them: the newest one's, or null with none. */
    private static String versionOf(JsonNode sessions) {
        String found = null;
        long newest = Long.MIN_VALUE;
        for (JsonNode s : sessions) {
            String v = Json.text(s, "version");
            Long updated = Json.optNum(Json.obj(s, "time"), "updated");
            long t = updated == null ? Long.MIN_VALUE + 1 : updated;
            if (v != null && v.matches("[0-9]+\\.[0-9]+\\.[0-9]+") && t > newest) {
                found = v;
                newest = t;
            }
        }
        return found;
    }

    private static boolean looksLikeSessions(JsonNode list) {
        for (JsonNode s : list) {
            String id = Json.text(s, "id");
            if (id == null || !id.startsWith("ses_")) {
                return false;
            }
        }
        return true;
    }

    private void unsupported(String version) {
        if (version != null && version.startsWith("0.")) {
            throw new NotOpencodeException("opencode " + version + " at " + connection().displayUrl()
                    + ": opencode 0.x is not supported; upgrade to 1.0 or newer");
        }
    }

    private OcsException notOpencode(String said) {
        return new NotOpencodeException(connection().displayUrl() + ": not an opencode server ("
                + said + ")");
    }

    /** True when an error is not opencode's own: a route this server lacks, or not opencode at all. */
    static boolean foreign(OcsException e) {
        if (e instanceof NotJsonException) {
            return true;
        }
        return e instanceof ApiException a && a.exitCode() != ExitCode.AUTH
                && (!a.isServerError() && (a.status() == 404 || a.status() == 405 || a.status() >= 500)
                || proxiedToWebUi(a));
    }

    /** What an answer that does not fit showed: the status and the start of the body, where there is one. */
    static String evidence(OcsException e) {
        return e instanceof ApiException a && a.evidence() != null ? a.evidence()
                : e instanceof NotJsonException n ? n.evidence() : e.getMessage();
    }

    /**
     * 1.0.185 hands every route it does not know to a proxy for its web UI, which, offline, answers 500 with
     * opencode's error shape: {@code {"name":"UnknownError","data":{"message":"Error: Unable to connect. …"}}}.
     */
    static boolean proxiedToWebUi(ApiException a) {
        String m = a.serverMessage();
        return a.status() == 500 && "UnknownError".equals(a.errorName()) && m != null
                && (m.contains("Unable to connect. Is the computer able to access the url?")
                || m.contains("Was there a typo in the url or port?"));
    }

    /** A call the command needs: an answer that does not fit says what this server is and what it lacks. */
    private <T> T required(String feature, Supplier<T> call) {
        try {
            return call.get();
        } catch (OcsException e) {
            if (!foreign(e)) {
                throw e;
            }
            ServerIdentity id = known();
            if (!oldLine(id)) {
                throw e;
            }
            throw new OcsException(ExitCode.SERVER_ERROR, describe() + " cannot " + feature + " (" + evidence(e)
                    + ")", e);
        }
    }

    /** A read that old lines lack: null on those (after making sure the server is opencode at all). */
    private <T> T optional(Supplier<T> call) {
        try {
            return call.get();
        } catch (OcsException e) {
            // 1.0.0 reads an unknown route's last segment as a session id (400); 1.0.185 proxies it (500).
            boolean missing = foreign(e) || e instanceof ApiException a && a.status() == 400;
            if (!missing || !oldLine(known())) {
                throw e;
            }
            return null;
        }
    }

    /** An answer of the wrong shape: from something that is not opencode (said so), or else unexpected. */
    private JsonNode shaped(String what, JsonNode n, boolean ok, String expected) {
        if (ok) {
            return n;
        }
        known();
        throw new OcsException(ExitCode.SERVER_ERROR, "unexpected answer to " + what + " on "
                + connection().displayUrl() + ": " + (n == null ? "nothing" : "not " + expected));
    }

    private static final String SESSION = "a session (an object with an id)";

    /** A session's info as either generation sends it: an object whose id is a session id. */
    static boolean isSession(JsonNode n) {
        return n != null && n.isObject() && Json.text(n, "id") != null && Json.text(n, "id").startsWith("ses_");
    }

    @Override
    public JsonNode session(String sid) {
        JsonNode n = required("read a session", () -> client.get(path("session", sid)));
        return shaped("GET /session/" + sid, n, isSession(n), SESSION);
    }

    @Override
    public <T> T messages(String sid, Integer limit, BodyReader<T> reader) {
        return required("read a session's messages", () -> client.get(path("session", sid, "message"),
                query("limit", limit == null ? null : limit.toString()), reader));
    }

    @Override
    public JsonNode sessions(int limit, boolean roots, String search) {
        JsonNode n = required("list sessions", () -> client.get("/session", query("limit", Integer.toString(limit),
                "roots", roots ? "true" : null, "search", search)));
        return shaped("GET /session", n, n != null && n.isArray(), "a list");
    }

    @Override
    public JsonNode children(String sid) {
        return required("list a session's children", () -> client.get(path("session", sid, "children")));
    }

    @Override
    public JsonNode sessionStatus() {
        // 1.0.0 reads "status" as a session id (400); 1.0.185 sends the unknown route to its web UI (500).
        return optional(() -> client.get("/session/status"));
    }

    @Override
    public JsonNode permissions() {
        return optional(() -> client.get("/permission"));
    }

    @Override
    public JsonNode questions() {
        try {
            return client.get("/question");
        } catch (OcsException e) {
            // A server from before the question tool: a route it does not know (a 404 that is not opencode's own,
            // 1.0.0's 400 for a session id, 1.0.185's web UI proxy). Nothing can wait on a question there; what the
            // server is comes out of the command's other calls, so it is not asked here.
            if (foreign(e) || e instanceof ApiException a && (a.status() == 400 || a.status() == 404)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public boolean replyQuestion(String questionID, List<List<String>> answers) {
        return question(path("question", questionID, "reply"), Map.of("answers", answers));
    }

    @Override
    public boolean rejectQuestion(String questionID) {
        return question(path("question", questionID, "reject"), Map.of());
    }

    private boolean question(String route, Map<String, Object> body) {
        return ifFound("answer a question", () -> client.post(route, null, body));
    }

    /** A call on something that may be gone: false when opencode itself answers 404 (not found), true when done. */
    private boolean ifFound(String feature, Supplier<?> call) {
        try {
            required(feature, call);
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
        JsonNode n = required("read a session's todo list", () -> client.get(path("session", sid, "todo")));
        return shaped("GET /session/" + sid + "/todo", n, n != null && n.isArray(), "a list");
    }

    @Override
    public JsonNode diff(String sid, String messageID) {
        JsonNode n = required("show a session's changes", () -> client.get(path("session", sid, "diff"),
                query("messageID", messageID)));
        return shaped("GET /session/" + sid + "/diff", n, n != null && n.isArray(), "a list");
    }

    @Override
    public JsonNode fork(String sid, String messageID) {
        Map<String, Object> body = messageID == null ? Map.of() : Map.of("messageID", messageID);
        JsonNode n = required("fork a session", () -> client.post(path("session", sid, "fork"), null, body));
        return shaped("POST /session/" + sid + "/fork", n, isSession(n), SESSION);
    }

    @Override
    public boolean deleteSession(String sid) {
        return ifFound("delete a session", () -> client.delete(path("session", sid)));
    }

    @Override
    public JsonNode renameSession(String sid, String title) {
        JsonNode n = required("rename a session", () -> client.patch(path("session", sid), Map.of("title", title)));
        return shaped("PATCH /session/" + sid, n, isSession(n), SESSION);
    }

    @Override
    public JsonNode createSession(Map<String, Object> body) {
        JsonNode n = required("create a session", () -> client.post("/session", null, body));
        return shaped("POST /session", n, isSession(n), SESSION);
    }

    @Override
    public void prompt(String sid, Map<String, Object> body) {
        try {
            client.post(path("session", sid, "prompt_async"), null, body);
        } catch (OcsException e) {
            if (!foreign(e) || !oldLine(known())) {
                throw e;
            }
            // 1.0.0 has no prompt_async: its message route answers when the reply is done, so it is sent and not
            // waited for (the caller sees the run start in the session's messages).
            client.postDetached(path("session", sid, "message"), body);
        }
    }

    @Override
    public void abort(String sid) {
        required("abort a session", () -> client.post(path("session", sid, "abort"), null, Map.of()));
    }

    @Override
    public boolean replyPermission(String sid, String permissionID, String reply, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reply", reply);
        if (message != null) {
            body.put("message", message);
        }
        try {
            client.post(path("permission", permissionID, "reply"), null, body);
            return true;
        } catch (ApiException e) {
            if (!foreign(e)) {
                if (e.status() == 404) {
                    return false;
                }
                throw e;
            }
        } catch (NotJsonException e) {
            // a server without the newer route: the older one below
        }
        // Before /permission/{id}/reply (1.0 to 1.1): the session's own route.
        try {
            required("answer a permission", () -> client.post(path("session", sid, "permissions", permissionID),
                    null, Map.of("response", reply)));
            return true;
        } catch (ApiException old) {
            if (old.status() == 404) {
                return false;
            }
            throw old;
        }
    }

    @Override
    public JsonNode config() {
        return required("show its configuration", () -> client.get("/config"));
    }

    @Override
    public JsonNode configProviders() {
        return required("list its providers", () -> client.get("/config/providers"));
    }

    @Override
    public InputStream events() {
        String route = globalEvents ? "/global/event" : "/event";
        return required("stream events", () -> client.openStream(route, null));
    }

    /**
     * 1.14.48's {@code /event} ends right after its {@code server.connected} event, for curl as for ocs, while
     * {@code /global/event} (every directory's events, each wrapped in {@code payload}) holds.
     */
    @Override
    public String eventsFallback() {
        if (globalEvents) {
            return null;
        }
        globalEvents = true;
        return "GET /global/event";
    }
}

package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.OcsException;
import dev.ocs.http.Connection;
import dev.ocs.http.OpencodeClient;
import dev.ocs.http.OpencodeClient.BodyReader;

import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code --api auto}: the older generation, which every server up to 1.18 answers, at no extra cost; v2 once the
 * server shows the older routes are gone. The sign is the one {@link V1Api} already reads as "a route this server
 * lacks" (a bare 404, the web UI's page, a server not recognised as opencode): then, and only then,
 * {@code GET /api/health} is asked once; if it answers, the call is made again over v2 and every later one too.
 */
public final class AutoApi implements Api {
    private final OpencodeClient client;
    private final PrintWriter trace;
    private final PrintWriter warn;
    private volatile Api current;
    private volatile boolean asked;

    public AutoApi(OpencodeClient client, PrintWriter trace, PrintWriter warn) {
        this.client = client;
        this.trace = trace;
        this.warn = warn;
        this.current = new V1Api(client);
    }

    private <T> T call(java.util.function.Function<Api, T> f) {
        Api api = current;
        try {
            return f.apply(api);
        } catch (OcsException e) {
            if (api instanceof V2Api || !olderGone(e)) {
                throw e;
            }
            return f.apply(current);
        }
    }

    /** Whether a v1 call's failure means the older routes are gone and v2 answers (then v2 is used from now on). */
    private synchronized boolean olderGone(OcsException e) {
        if (current instanceof V2Api) {
            return true; // another thread switched already
        }
        if (asked || !gone(e)) {
            return false;
        }
        asked = true;
        V2Api v2 = new V2Api(client, trace, warn);
        try {
            v2.identify(null);
        } catch (OcsException notThere) {
            return false;
        }
        if (trace != null) {
            trace.println("ocs: --api auto: the older routes are gone and /api answers; speaking v2");
            trace.flush();
        }
        current = v2;
        return true;
    }

    private static boolean gone(OcsException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotOpencodeException || t instanceof OcsException o && V1Api.foreign(o)) {
                return true;
            }
        }
        return false;
    }

    private void run(java.util.function.Consumer<Api> f) {
        call(a -> {
            f.accept(a);
            return null;
        });
    }

    @Override
    public String generation() {
        return current.generation();
    }

    @Override
    public Connection connection() {
        return client.connection();
    }

    @Override
    public String describe() {
        return current.describe();
    }

    @Override
    public ServerIdentity identify(Duration timeout) {
        return call(a -> a.identify(timeout));
    }

    @Override
    public JsonNode session(String sid) {
        return call(a -> a.session(sid));
    }

    @Override
    public <T> T messages(String sid, Integer limit, BodyReader<T> reader) {
        return call(a -> a.messages(sid, limit, reader));
    }

    @Override
    public JsonNode sessions(int limit, boolean roots, String search) {
        return call(a -> a.sessions(limit, roots, search));
    }

    @Override
    public JsonNode children(String sid) {
        return call(a -> a.children(sid));
    }

    @Override
    public JsonNode sessionStatus() {
        return call(Api::sessionStatus);
    }

    @Override
    public JsonNode permissions() {
        return call(Api::permissions);
    }

    @Override
    public JsonNode questions() {
        return call(Api::questions);
    }

    @Override
    public boolean replyQuestion(String questionID, List<List<String>> answers) {
        return call(a -> a.replyQuestion(questionID, answers));
    }

    @Override
    public boolean rejectQuestion(String questionID) {
        return call(a -> a.rejectQuestion(questionID));
    }

    @Override
    public JsonNode todo(String sid) {
        return call(a -> a.todo(sid));
    }

    @Override
    public JsonNode diff(String sid, String messageID) {
        return call(a -> a.diff(sid, messageID));
    }

    @Override
    public JsonNode fork(String sid, String messageID) {
        return call(a -> a.fork(sid, messageID));
    }

    @Override
    public boolean deleteSession(String sid) {
        return call(a -> a.deleteSession(sid));
    }

    @Override
    public JsonNode renameSession(String sid, String title) {
        return call(a -> a.renameSession(sid, title));
    }

    @Override
    public JsonNode createSession(Map<String, Object> body) {
        return call(a -> a.createSession(body));
    }

    @Override
    public void prompt(String sid, Map<String, Object> body) {
        run(a -> a.prompt(sid, body));
    }

    @Override
    public void abort(String sid) {
        run(a -> a.abort(sid));
    }

    @Override
    public boolean replyPermission(String sid, String permissionID, String reply, String message) {
        return call(a -> a.replyPermission(sid, permissionID, reply, message));
    }

    @Override
    public JsonNode config() {
        return call(Api::config);
    }

    @Override
    public JsonNode configProviders() {
        return call(Api::configProviders);
    }

    @Override
    public Duration quietLimit() {
        return current.quietLimit();
    }

    @Override
    public InputStream events() {
        return call(Api::events);
    }

    @Override
    public String eventsFallback() {
        return current.eventsFallback();
    }

    /**
     * The API of the generation named ({@code auto}, {@code v1}, {@code v2}): the one place that builds one.
     *
     * @param trace {@code -v}'s stderr, or null
     * @param warn  stderr
     */
    public static Api of(String generation, OpencodeClient client, PrintWriter trace, PrintWriter warn) {
        return switch (generation) {
            case "auto" -> new AutoApi(client, trace, warn);
            case "v1" -> new V1Api(client);
            case "v2" -> new V2Api(client, trace, warn);
            default -> throw OcsException.usage("--api '" + OpencodeClient.oneLine(generation, 40)
                    + "' is not an API generation; use auto, v1 or v2");
        };
    }
}

package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Connection;
import dev.ocs.http.OpencodeClient.BodyReader;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything ocs asks of an opencode server, in the server's terms but without its routes: the one place that knows
 * them is an implementation of this, one per API generation ({@link V1Api} for 1.0 to 1.18's routes). Answers are
 * the server's JSON as sent; where a server version lacks a feature, the implementation says so the same way for
 * every command: an optional read answers {@code null}, a required call throws exit 6 naming version and feature.
 */
public interface Api {
    /** The API generation spoken: {@code v1}. */
    String generation();

    Connection connection();

    /** The server in a few words, for a message about what it lacks: {@code opencode 1.0.185 at URL}. */
    String describe();

    /**
     * Asks the server what it is (its health route, or what stands in for it on old lines). Throws exit 6 for a
     * server that is not opencode, or too old; exit 4 for rejected credentials.
     */
    ServerIdentity identify(Duration timeout);

    /** One session's info object. */
    JsonNode session(String sid);

    /** A session's messages, oldest first, read as they stream; {@code limit} null for all. */
    <T> T messages(String sid, Integer limit, BodyReader<T> reader);

    /** Sessions, newest first. */
    JsonNode sessions(int limit, boolean roots, String search);

    JsonNode children(String sid);

    /** Every session that is not idle, by id; null where the server cannot tell (then ask the messages). */
    JsonNode sessionStatus();

    /** Pending permission requests (an array); null where the server keeps no list (1.0: the events carry them). */
    JsonNode permissions();

    /**
     * Pending question requests (an array); null where the server has no question routes (before the question
     * tool): then nothing can be waiting on one.
     */
    JsonNode questions();

    /**
     * Answers a question request: for each of its questions in order, the labels chosen (or a typed answer).
     *
     * @return false when the request was not pending
     */
    boolean replyQuestion(String questionID, List<List<String>> answers);

    /** Declines a question request; false when it was not pending. */
    boolean rejectQuestion(String questionID);

    /** A session's todo list, as the agent last wrote it (an array). */
    JsonNode todo(String sid);

    /**
     * The files one turn of a session changed: the turn the user message {@code messageID} started (an array of
     * {@code {file, patch, additions, deletions, status}}).
     */
    JsonNode diff(String sid, String messageID);

    /** A new session holding the messages before {@code messageID} (all of them with null); answers its info. */
    JsonNode fork(String sid, String messageID);

    /** Deletes a session (and its children); false when there was none. */
    boolean deleteSession(String sid);

    /** Sets a session's title; answers its info. */
    JsonNode renameSession(String sid, String title);

    /** Creates a session; answers its info. */
    JsonNode createSession(Map<String, Object> body);

    /** Starts a prompt and returns at once. */
    void prompt(String sid, Map<String, Object> body);

    void abort(String sid);

    /**
     * Answers a permission request.
     *
     * @param reply once, always or reject
     * @return false when the request was not pending
     */
    boolean replyPermission(String sid, String permissionID, String reply, String message);

    JsonNode config();

    JsonNode configProviders();

    /**
     * How long the event stream may say nothing about a followed run before ocs asks the server how it is. v1's
     * stream says when a run ends, even one that never got going (an unknown model's session.error and idle), so
     * this only guards against lost events.
     */
    default Duration quietLimit() {
        return Duration.ofSeconds(30);
    }

    /** Opens the event stream of the directory in use. */
    InputStream events();

    /**
     * The event stream keeps ending as soon as it opens: use another one from now on where the server has one.
     *
     * @return a description of the stream now used, or null when there is no other
     */
    String eventsFallback();
}

package dev.ocs.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.events.Event;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.Status;

import java.util.List;

/**
 * What a {@link Follower} shows of the runs it follows. The follower decides what happens (when following ends,
 * what is answered); a renderer only shows it. Every method has a default that shows nothing.
 */
public interface Renderer {
    /** Following starts, for these sessions. */
    default void begin(List<String> sessions) { }

    /** Every event about a followed session, before the calls below that it leads to. */
    default void event(Event e) { }

    /** A session's status: from an event, or asked of the server (so possibly the same again). */
    default void status(String session, Status status) { }

    default void child(String id, String parent, String title) { }

    default void error(String session, String text) { }

    /** {@code message.updated}: a message's info. */
    default void message(String session, JsonNode info) { }

    /** {@code message.part.updated}; {@code followed}: the session is one followed, not a child. */
    default void part(String session, JsonNode part, boolean followed) { }

    /** A piece of text of a followed session's part. */
    default void delta(String session, String partID, String messageID, String delta) { }

    /** A permission request, once each. */
    default void permission(Permission p) { }

    /** A question request, once each. */
    default void question(Question q) { }

    default void permissionReplied(String session, String id, String reply) { }

    /** @param answers each question's labels, or null when the request was declined */
    default void questionReplied(String session, String id, List<List<String>> answers) { }

    default void deleted(String session) { }

    /** News for the person: the connection, or what ocs answered on its own. */
    default void note(String text) { }

    /** Added to "event stream reconnected": what that means for what was shown. */
    default String missedNote() {
        return "";
    }

    /** Following ended (also by an error): finish the output. */
    default void end() { }
}

package dev.ocs.session;

import dev.ocs.session.SessionList.Row;
import dev.ocs.session.SessionList.State;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What list concludes about a session, and how it orders parents and children. */
class SessionListTest {
    static final Status BUSY = new Status("busy", null, null, null);
    static final Status RETRY = new Status("retry", 2, "Cannot connect to API", 1L);
    static final Permission PERM = new Permission("per_1", "ses_a", "bash", List.of("ls"), List.of(), null, null);

    static Message assistant(Long completed, MessageError error) {
        Message m = new Message();
        m.role = "assistant";
        m.completed = completed;
        m.error = error;
        return m;
    }

    @Test
    void statesFromStatusPermissionsAndTheNewestMessage() {
        assertEquals(State.IDLE, SessionList.state(Status.IDLE, List.of(), List.of(), null));
        assertEquals(State.IDLE, SessionList.state(Status.IDLE, List.of(), List.of(), assistant(5L, null)));
        assertEquals(State.BUSY, SessionList.state(BUSY, List.of(), List.of(), assistant(null, null)), "running, not stuck");
        assertEquals(State.RETRY, SessionList.state(RETRY, List.of(), List.of(), null));
        assertEquals(State.PERMISSION, SessionList.state(BUSY, List.of(PERM), List.of(), null), "the server says busy while it waits");
        assertEquals(State.STUCK, SessionList.state(Status.IDLE, List.of(), List.of(), assistant(null, null)),
                "idle, and the answer never finished");
        Message user = new Message();
        user.role = "user";
        assertEquals(State.IDLE, SessionList.state(Status.IDLE, List.of(), List.of(), user));
    }

    static Row row(String id, String parent, long updated) {
        return new Row(id, id, parent, "/p", 0L, updated, null, null, Tokens.ZERO, 0.0, State.IDLE, Status.IDLE,
                List.of(), List.of(), 0);
    }

    @Test
    void childrenGoRightUnderTheirParentAndOrphansStandAlone() {
        List<Row> rows = List.of(row("ses_c1", "ses_p", 9), row("ses_x", null, 8), row("ses_g", "ses_c1", 7),
                row("ses_p", null, 6), row("ses_c2", "ses_p", 5), row("ses_o", "ses_gone", 4));
        List<Row> t = SessionList.tree(rows);
        assertEquals(List.of("ses_x", "ses_p", "ses_c1", "ses_g", "ses_c2", "ses_o"), t.stream().map(Row::id).toList());
        assertEquals(List.of(0, 0, 1, 2, 1, 0), t.stream().map(Row::depth).toList());
    }

    @Test
    void aParentCycleLosesNoRow() {
        List<Row> t = SessionList.tree(List.of(row("ses_a", "ses_b", 2), row("ses_b", "ses_a", 1)));
        assertEquals(2, t.size());
    }
}

package dev.ocs.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.Status;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For {@code send --wait} and the other waits: a status line on stderr (on a terminal) while the run works, notes
 * about the connection and what ocs answered, and with {@code stream} the answer's text on stdout as it is written.
 */
public final class AnswerRenderer implements Renderer {
    private final PrintWriter out;
    private final StatusLine status;
    private final boolean stream;
    private final boolean thinking;
    private final Map<String, String> partTypes = new HashMap<>();
    /** Text that came before its part said what it is (text or reasoning). */
    private final Map<String, StringBuilder> early = new HashMap<>();
    private Set<String> followed = Set.of();
    private String lastStreamedPart;
    private boolean wroteText;

    public AnswerRenderer(PrintWriter out, StatusLine status, boolean stream, boolean thinking) {
        this.out = out;
        this.status = status;
        this.stream = stream;
        this.thinking = thinking;
    }

    /** True once any of the answer's text was printed (then it is not printed again at the end). */
    public boolean streamedText() {
        return wroteText;
    }

    @Override
    public void begin(List<String> sessions) {
        followed = Set.copyOf(sessions);
        status.show("working");
    }

    @Override
    public void status(String session, Status st) {
        if (!followed.contains(session)) {
            return;
        }
        if (st.retry()) {
            status.show("retrying, attempt " + st.attempt() + ": " + OpencodeClient.oneLine(st.message(), 60));
        } else if (!st.idle()) {
            status.show("working");
        }
    }

    @Override
    public void error(String session, String text) {
        status.note("session error: " + text);
    }

    @Override
    public void part(String session, JsonNode part, boolean isFollowed) {
        String id = Json.text(part, "id");
        String type = Json.text(part, "type");
        if (id != null && type != null) {
            partTypes.put(id, type);
            StringBuilder before = early.remove(id);
            if (before != null && isFollowed) {
                write(id, type, before.toString());
            }
        }
        if ("tool".equals(type)) {
            status.show("tool " + Json.text(part, "tool") + " " + Json.text(Json.obj(part, "state"), "status"));
        }
    }

    @Override
    public void delta(String session, String partID, String messageID, String delta) {
        if (!stream || partID == null || delta == null) {
            return;
        }
        String type = partTypes.get(partID);
        if (type == null) {
            early.computeIfAbsent(partID, k -> new StringBuilder()).append(delta);
        } else {
            write(partID, type, delta);
        }
    }

    @Override
    public void note(String text) {
        status.note(text);
    }

    @Override
    public void end() {
        if (wroteText) {
            out.println();
        }
        out.flush();
        status.clear();
    }

    private void write(String partId, String type, String text) {
        if (!stream || text.isEmpty() || !("text".equals(type) || "reasoning".equals(type) && thinking)) {
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
}

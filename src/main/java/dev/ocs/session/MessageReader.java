package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.JsonBytes;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads {@code GET /session/{id}/message} ({@code [{"info":{…},"parts":[…]}, …]}) as it streams: one part at a
 * time is made a tree and reduced, and each message is handed on as soon as it is read. The long strings of a
 * part (a text's or a subtask's {@code text} and {@code prompt}, a tool's {@code state.output}) are kept only as
 * far as the report shows them, and only counted beyond ({@link JsonBytes#string}).
 */
public final class MessageReader {
    private MessageReader() {}

    /** All the messages in a list: for tests and small bodies. */
    public static List<Message> read(InputStream body, ReadOptions opt) throws IOException {
        List<Message> messages = new ArrayList<>();
        read(body, opt, messages::add);
        return messages;
    }

    /** Hands each message to {@code each} as soon as it is read. */
    public static void read(InputStream body, ReadOptions opt, Consumer<Message> each) throws IOException {
        JsonBytes j = new JsonBytes(body);
        int c = j.peek();
        if (c != '[') {
            throw new OcsException(ExitCode.SERVER_ERROR, "expected a list of messages, got " + describe(c));
        }
        j.expect('[');
        for (boolean first = true; j.element(first); first = false) {
            if (j.peek() == '{') {
                each.accept(readMessage(j, opt));
            } else {
                j.value(1);
            }
        }
    }

    private static Message readMessage(JsonBytes j, ReadOptions opt) throws IOException {
        Message m = new Message();
        j.expect('{');
        for (String field = j.field(true); field != null; field = j.field(false)) {
            if (field.equals("info") && j.peek() == '{') {
                m.info(j.value(2));
            } else if (field.equals("parts") && j.peek() == '[') {
                j.expect('[');
                for (boolean first = true; j.element(first); first = false) {
                    m.parts.add(Part.from(j.peek() == '{' ? readPart(j, opt) : j.value(3), opt));
                }
            } else {
                j.value(2);
            }
        }
        if (m.role == null) {
            m.role = "unknown";
        }
        return m;
    }

    private static ObjectNode readPart(JsonBytes j, ReadOptions opt) throws IOException {
        ObjectNode part = JsonNodeFactory.instance.objectNode();
        String type = null;
        j.expect('{');
        for (String field = j.field(true); field != null; field = j.field(false)) {
            JsonNode v;
            if (field.equals("text") || field.equals("prompt")) {
                // opencode sends the type first; a reasoning text the report does not show is only counted.
                boolean hidden = "reasoning".equals(type) && !opt.thinking() && !opt.full();
                v = j.string(hidden ? 0 : opt.textLimit(), 4);
            } else if (field.equals("state") && j.peek() == '{') {
                v = readState(j, opt);
            } else {
                v = j.value(4);
            }
            if (field.equals("type") && v.isTextual()) {
                type = v.textValue();
            }
            part.set(field, v);
        }
        return part;
    }

    private static ObjectNode readState(JsonBytes j, ReadOptions opt) throws IOException {
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        j.expect('{');
        for (String field = j.field(true); field != null; field = j.field(false)) {
            state.set(field, field.equals("output") ? j.string(opt.outputLimit(), 5) : j.value(5));
        }
        return state;
    }

    private static String describe(int c) {
        return switch (c) {
            case -1 -> "nothing";
            case '{' -> "an object";
            case '"' -> "a string";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            default -> c == '-' || c >= '0' && c <= '9' ? "a number" : "'" + (char) c + "'";
        };
    }
}

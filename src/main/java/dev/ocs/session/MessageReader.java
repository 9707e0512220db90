package dev.ocs.session;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads {@code GET /session/{id}/message} ({@code [{"info":{…},"parts":[…]}, …]}) with a streaming parser:
 * one part at a time is materialised and reduced, and each message is handed on as soon as it is read.
 */
public final class MessageReader {
    private MessageReader() {}

    /** All the messages in a list: for tests and small bodies. {@code p} is on the first token of the body. */
    public static List<Message> read(JsonParser p, ReadOptions opt) throws IOException {
        List<Message> messages = new ArrayList<>();
        read(p, opt, messages::add);
        return messages;
    }

    /** Hands each message to {@code each} as soon as it is read. {@code p} is on the first token of the body. */
    public static void read(JsonParser p, ReadOptions opt, Consumer<Message> each) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new OcsException(ExitCode.SERVER_ERROR, "expected a list of messages, got " + describe(p));
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == null) {
                throw new OcsException(ExitCode.SERVER_ERROR, "the list of messages ended early");
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            each.accept(readMessage(p, opt));
        }
    }

    private static Message readMessage(JsonParser p, ReadOptions opt) throws IOException {
        Message m = new Message();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("info") && t == JsonToken.START_OBJECT) {
                m.info(Json.tree(p));
            } else if (field.equals("parts") && t == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == null) {
                        throw new OcsException(ExitCode.SERVER_ERROR, "a message's parts ended early");
                    }
                    JsonNode part = Json.tree(p);
                    m.parts.add(Part.from(part, opt));
                }
            } else {
                p.skipChildren();
            }
        }
        if (m.role == null) {
            m.role = "unknown";
        }
        return m;
    }

    private static String describe(JsonParser p) {
        JsonToken t = p.currentToken();
        return t == JsonToken.START_OBJECT ? "an object" : t == null ? "nothing" : t.asString() == null ? t.name()
                : "'" + t.asString() + "'";
    }
}

package dev.ocs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import dev.ocs.session.Message;
import dev.ocs.session.MessageReader;
import dev.ocs.session.Permission;
import dev.ocs.session.Question;
import dev.ocs.session.ReadOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 bodies recorded from opencode 1.18.33, translated and read by the one message parser ocs has. */
class V2ShapesTest {
    static final String SID = "ses_dafc9178dffelwe1bnKxpGYdpm";

    static List<Message> read(String capture) throws IOException {
        JsonNode page = Json.mapper().readTree(Fixtures.read("v2/" + capture));
        try (InputStream in = V2Api.translated(SID, V2Shapes.data(page))) {
            return MessageReader.read(in, ReadOptions.DEFAULT);
        }
    }

    @Test
    void anEventOfAnUnexpectedShapeIsLeftOutAndTheStreamGoesOn() throws IOException {
        String sse = "data: {\"id\":\"evt_1\",\"type\":\"session.next.step.ended\",\"data\":{\"sessionID\":\"" + SID
                + "\",\"finish\":\"stop\"}}\n\n" // no assistantMessageID
                + Fixtures.read("v2/tool-approved.events.sse");
        try (InputStream in = V2Events.stream(new java.io.ByteArrayInputStream(
                sse.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            dev.ocs.events.SseReader events = new dev.ocs.events.SseReader(in);
            int n = 0;
            while (events.next() != null) {
                n++;
            }
            assertTrue(n > 5, "the recorded events after the odd one still come: " + n);
        }
    }

    @Test
    void aToolRunReadsAsV1Reads() throws IOException {
        List<Message> ms = read("tool.messages.json");
        assertEquals(3, ms.size());
        Message user = ms.get(0);
        assertTrue(user.isUser());
        assertEquals(SID, user.sessionID);
        assertEquals("TOOL", user.parts.get(0).text);
        Message tool = ms.get(1);
        assertTrue(tool.isAssistant());
        assertEquals("mock/mock-model", tool.model());
        assertEquals("tool-calls", tool.finish);
        assertEquals(3085, tool.tokens.input());
        assertEquals("tool", tool.parts.get(0).type);
        assertEquals("bash", tool.parts.get(0).tool);
        assertEquals("call_standin_1", tool.parts.get(0).callID);
        assertEquals("completed", tool.parts.get(0).status);
        assertEquals("(no output)\nCommand exited with code 0.", tool.parts.get(0).output);
        assertEquals("step-finish", tool.parts.get(1).type);
        assertEquals("tool-calls", tool.parts.get(1).reason);
        Message answer = ms.get(2);
        assertTrue(answer.hasText());
        assertNull(answer.error);
        assertFalse(answer.parts.get(0).id.equals(tool.parts.get(0).id), "part ids are unique in the session");
    }

    @Test
    void errorsKeepTheNamesTheDiagnosisKnows() throws IOException {
        Message hang = read("hang.messages.json").get(1);
        assertTrue(hang.error.aborted(), hang.error.describe());
        assertNull(hang.finish, "the error says how it ended");
        Message fail = read("fail.messages.json").get(1);
        assertEquals("APIError", fail.error.name());
        assertEquals(500, fail.error.statusCode());
        Message dead = read("dead.messages.json").get(1);
        assertEquals("UnknownError", dead.error.name());
        assertTrue(dev.ocs.session.Diagnosis.isConnectionFailure(dead.error.message()), dead.error.message());
    }

    @Test
    void pendingRequestsReadAsV1Reads() throws IOException {
        JsonNode per = V2Shapes.data(Json.mapper().readTree(Fixtures.read("v2/permission-request.json"))).get(0);
        Permission p = Permission.from(V2Shapes.permission(per));
        assertEquals("per_2503b4e84001noGSx0Ms4WU8cR", p.id());
        assertEquals("bash", p.permission());
        assertEquals(List.of("echo approved > marker.txt"), p.patterns());
        assertEquals("msg_2503b4e5e0014Qx4tvdXCp6Uge", p.messageID());
        assertEquals("call_standin_1", p.callID());
        JsonNode que = V2Shapes.data(Json.mapper().readTree(Fixtures.read("v2/question-request.json"))).get(0);
        Question q = Question.from(que);
        assertEquals(2, q.questions().size());
        assertTrue(q.questions().get(1).multiple());
        assertEquals("Postgres", q.questions().get(0).options().get(0).label());
    }

    @Test
    void sessionsAndStatus() throws IOException {
        ObjectNode s = V2Shapes.session(Json.mapper().readTree(Fixtures.read("v2/session.json")).get("data"));
        assertEquals("/home/dev/project", s.path("directory").asText());
        assertFalse(s.has("tokens"), "1.18.33's v2 totals stay 0: the messages' sum counts instead");
        JsonNode active = V2Shapes.statuses(Json.mapper().readTree(Fixtures.read("v2/active.json")).get("data"));
        assertEquals("busy", active.path("ses_dafc4b66dffekJQWuuYYWy4MDS").path("type").asText());
        assertEquals(2, active.size());
    }

    @Test
    void kindsThatAreNoMessageAreLeftOut() {
        ObjectNode switched = Json.mapper().createObjectNode().put("id", "msg_1").put("type", "agent-switched")
                .put("agent", "plan");
        assertNull(V2Shapes.message(SID, switched));
        ObjectNode synthetic = Json.mapper().createObjectNode().put("id", "msg_2").put("type", "synthetic")
                .put("text", "context");
        JsonNode m = V2Shapes.message(SID, synthetic);
        assertEquals("user", m.path("info").path("role").asText());
        assertTrue(m.path("parts").get(0).path("synthetic").asBoolean());
    }
}

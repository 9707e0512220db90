package dev.ocs.session;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Question requests as a real opencode 1.18.33 lists them (captures/questions), and what inspect makes of them. */
class QuestionTest {

    static List<Question> recorded() throws IOException {
        return Question.listFrom(Json.mapper().readTree(Fixtures.read("questions/question-list.json")));
    }

    @Test
    void aRecordedRequestIsReadWithTheServersDefaults() throws IOException {
        List<Question> qs = recorded();
        assertEquals(1, qs.size());
        Question q = qs.get(0);
        assertTrue(q.id().startsWith("que_"), q.id());
        assertTrue(q.sessionID().startsWith("ses_"));
        assertTrue(q.messageID().startsWith("msg_"));
        assertEquals("call_standin_1", q.callID());
        assertEquals(2, q.questions().size());
        Question.Item db = q.questions().get(0);
        assertEquals("Database", db.header());
        assertEquals("Which database should the app use?", db.question());
        assertFalse(db.multiple(), "not sent: one answer");
        assertTrue(db.custom(), "not sent: a typed answer is allowed");
        assertEquals(List.of(new Question.Option("Postgres", "A server database, for many users"),
                new Question.Option("SQLite", "One file, no server")), db.options());
        assertTrue(q.questions().get(1).multiple(), "sent as true");
        assertEquals("Database: Which database should the app use? [Postgres | SQLite]; Runtime: Where should it "
                + "run? [Docker | Local | Cloud] (several)", q.summary());
    }

    @Test
    void oddShapesDoNotBreakTheReading() throws IOException {
        assertTrue(Question.listFrom(Json.mapper().readTree("{\"not\":\"a list\"}")).isEmpty());
        assertTrue(Question.listFrom(null).isEmpty());
        List<Question> qs = Question.listFrom(Json.mapper().readTree(
                "[1, {\"id\":\"que_x\",\"questions\":[{\"options\":[{\"description\":\"no label\"},{\"label\":\"A\"}],"
                        + "\"custom\":false}]}, {\"id\":\"que_y\",\"questions\":\"none\"}]"));
        assertEquals(2, qs.size());
        Question.Item item = qs.get(0).questions().get(0);
        assertEquals(List.of(new Question.Option("A", null)), item.options(), "an option without a label is left out");
        assertFalse(item.custom());
        assertNull(item.question());
        assertTrue(qs.get(1).questions().isEmpty());
        assertEquals("(no questions)", qs.get(1).summary());
    }

    @Test
    void aPendingQuestionIsAFindingWithTheCommandThatAnswersIt() throws IOException {
        Question q = recorded().get(0);
        List<Message> ms = DiagnosisTest.messages("questions/question-pending.messages.json");
        Report r = DiagnosisTest.report(info(ms), DiagnosisTest.BUSY, ms, new Waiting(List.of(), List.of(q)),
                new Diagnosis("ocs", null), ReportView.NONE);
        assertEquals(1, r.findings().size(), r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals(Diagnosis.QUESTION_PENDING, f.code());
        assertEquals(Finding.Severity.WARNING, f.severity());
        assertEquals(q.messageID(), f.messageID());
        assertTrue(f.advice().contains("'ocs answer " + q.sessionID() + " " + q.id()
                + " --option Postgres --next --option Docker'"), f.advice());
        assertTrue(f.evidence().contains(q.id()) && f.evidence().contains("Postgres | SQLite"), f.evidence());
        assertEquals(ExitCode.PERMISSION, r.exitCode(), "waiting on a person: exit 8");
    }

    @Test
    void anythingElseWrongWinsOverWaiting() throws IOException {
        Question q = recorded().get(0);
        List<Message> ms = DiagnosisTest.messages("questions/question-rejected.messages.json");
        Report r = DiagnosisTest.report(info(ms), Status.IDLE, ms, new Waiting(List.of(), List.of(q)),
                new Diagnosis("ocs", null), ReportView.NONE);
        assertTrue(r.findings().stream().anyMatch(f -> f.code().equals(Diagnosis.TOOL_ERROR)), r.findings().toString());
        assertEquals(ExitCode.FINDING, r.exitCode());
    }

    @Test
    void theAnswerCommandQuotesLabelsForTheShell() {
        Question q = new Question("que_1", "ses_1", List.of(new Question.Item("Which?", "H", false, true,
                List.of(new Question.Option("It's fine; rm -rf", "d")))), null, null);
        assertEquals("ocs answer ses_1 que_1 --option 'It'\\''s fine; rm -rf'", Diagnosis.answerCommand("ocs", q));
        Question none = new Question("que_2", "ses_1", List.of(new Question.Item("Name?", "H", false, true,
                List.of())), null, null);
        assertEquals("ocs answer ses_1 que_2 --text '…'", Diagnosis.answerCommand("ocs", none));
    }

    @Test
    void theJsonReportCarriesTheQuestionsBesideThePermissions() throws IOException {
        Question q = recorded().get(0);
        List<Message> ms = DiagnosisTest.messages("questions/question-pending.messages.json");
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(w)) {
            DiagnosisTest.report(info(ms), DiagnosisTest.BUSY, ms, new Waiting(List.of(), List.of(q)),
                    new Diagnosis("ocs", null), new JsonReport(g));
        }
        JsonNode doc = Json.mapper().readTree(w.toString());
        assertTrue(doc.path("permissions").isArray() && doc.path("permissions").isEmpty());
        JsonNode jq = doc.path("questions").get(0);
        assertEquals(q.id(), jq.path("id").asText());
        assertEquals(q.sessionID(), jq.path("sessionID").asText());
        JsonNode item = jq.path("questions").get(1);
        assertEquals("Where should it run?", item.path("question").asText());
        assertEquals("Runtime", item.path("header").asText());
        assertTrue(item.path("multiple").asBoolean());
        assertTrue(item.path("custom").asBoolean());
        assertEquals("Cloud", item.path("options").get(2).path("label").asText());
        assertEquals("On a hosted service", item.path("options").get(2).path("description").asText());
        assertEquals("question-pending", doc.path("findings").get(0).path("code").asText());
        assertEquals(8, doc.path("exitCode").asInt());
    }

    static SessionInfo info(List<Message> ms) {
        return new SessionInfo(ms.get(0).sessionID, "t", "/d", null, null, null, null, null, null, null);
    }
}

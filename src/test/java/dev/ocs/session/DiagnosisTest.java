package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Fixtures;
import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The diagnosis on JSON recorded from a real opencode 1.18.33 server. */
class DiagnosisTest {
    static final Status BUSY = new Status("busy", null, null, null);

    static List<Message> messages(String fixture) throws IOException {
        try (InputStream in = new ByteArrayInputStream(Fixtures.read(fixture).getBytes(StandardCharsets.UTF_8))) {
            return MessageReader.read(in, ReadOptions.DEFAULT);
        }
    }

    static Report report(String fixture, Status status, List<Permission> permissions, String expect) throws IOException {
        List<Message> ms = messages(fixture);
        SessionInfo info = new SessionInfo(ms.get(0).sessionID, "t", "/d", null, null, null, null, null, null, null);
        return report(info, status, ms, permissions, new Diagnosis("ocs", expect), ReportView.NONE);
    }

    /** What inspect does with a body, on messages in hand. */
    static Report report(SessionInfo info, Status status, List<Message> ms, List<Permission> permissions,
                         Diagnosis diagnosis, ReportView view) {
        return report(info, status, ms, new Waiting(permissions, List.of()), diagnosis, view);
    }

    static Report report(SessionInfo info, Status status, List<Message> ms, Waiting waiting, Diagnosis diagnosis,
                         ReportView view) {
        Report.Builder b = new Report.Builder("http://127.0.0.1:4999", info, status, waiting, diagnosis, view);
        ms.forEach(b::message);
        return b.end(false);
    }

    static Set<String> codes(Report r) {
        Set<String> s = new TreeSet<>();
        r.findings().forEach(f -> s.add(f.code()));
        return s;
    }

    static Status recordedStatus(String sid) throws IOException {
        return Status.of(Json.mapper().readTree(Fixtures.read("session-status.json")), sid);
    }

    @Test
    void normalSessionHasNoFindings() throws IOException {
        Report r = report("normal.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(), codes(r));
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("Hello from the stand-in model. You said: hello there, \"quoted\" and\nnewline", r.finalText());
    }

    @Test
    void emptyStopIsStopWithoutTextNotAConnectFailure() throws IOException {
        Report r = report("empty-stop.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(Diagnosis.STOP_WITHOUT_TEXT), codes(r));
        assertTrue(r.findings().get(0).summary().contains("empty reply"), r.findings().toString());
        assertEquals(ExitCode.FINDING, r.exitCode());
    }

    @Test
    void reasoningLengthIsReasoningExhausted() throws IOException {
        Report r = report("reasoning-length.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(Diagnosis.REASONING_EXHAUSTED), codes(r));
        assertEquals(Finding.Severity.ERROR, r.findings().get(0).severity());
    }

    @Test
    void unreachableProviderIsOneCauseWithThreeCodes() throws IOException {
        String sid = "ses_df604e9d5ffeZETbNH46nDgKFt";
        Report r = report("provider-unreachable.messages.json", recordedStatus(sid), List.of(), null);
        assertEquals(Set.of(Diagnosis.MODEL_CONNECT_FAILED, Diagnosis.ZERO_TOKENS, Diagnosis.RETRYING), codes(r));
        assertEquals(1, r.findings().stream().map(Finding::group).distinct().count(), "one headline");
        assertTrue(r.findings().stream().anyMatch(f -> f.evidence().contains("Cannot connect to API")));
    }

    @Test
    void pendingPermissionAloneExits8WithTheApproveCommand() throws IOException {
        String sid = "ses_df604f802ffeoZehXyKiLM7Gzy";
        JsonNode list = Json.mapper().readTree(Fixtures.read("permission-list.json"));
        Report r = report("permission-pending.messages.json", recordedStatus(sid), Permission.listFrom(list), null);
        assertEquals(Set.of(Diagnosis.PERMISSION_PENDING), codes(r), "a running tool waiting on permission is "
                + "neither zero-tokens nor a connect failure");
        assertEquals(ExitCode.PERMISSION, r.exitCode());
        assertTrue(r.findings().get(0).advice().contains("ocs approve " + sid + " per_209fb13a4001DfSKdjiPIoUxor"));
        assertEquals("msg_209fb0b03001WNjuaYeXjpZZdd", r.findings().get(0).messageID());
    }

    @Test
    void abortedAfterTextIsAMessageErrorOnly() throws IOException {
        Report r = report("aborted.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(Diagnosis.MESSAGE_ERROR), codes(r), "text was streamed: the model was reached");
        assertTrue(r.findings().get(0).evidence().contains("MessageAbortedError"));
        assertEquals(ExitCode.FINDING, r.exitCode());
    }

    @Test
    void expectModelFlagsADifferentModel() throws IOException {
        Report r = report("normal.messages.json", Status.IDLE, List.of(), "openai/gpt-5");
        assertEquals(Set.of(Diagnosis.MODEL_MISMATCH), codes(r));
        assertTrue(r.findings().get(0).summary().contains("mock/mock-model"));
        assertEquals(Set.of(), codes(report("normal.messages.json", Status.IDLE, List.of(), "mock/mock-model")));
    }

    @Test
    void assistantFromAnotherModelThanAskedIsAMismatch() throws IOException {
        String json = Fixtures.read("normal.messages.json").replace("\"modelID\": \"mock-model\",\n   \"providerID\"",
                "\"modelID\": \"other-model\",\n   \"providerID\"");
        List<Message> ms = read(json);
        assertEquals("mock/other-model", ms.get(1).model());
        assertEquals(Set.of(Diagnosis.MODEL_MISMATCH), codesOf(ms, Status.IDLE));
    }

    @Test
    void idleWithUnfinishedAssistantIsStuck() throws IOException {
        // The permission capture's in-flight message, seen after the server went idle without finishing it.
        Set<String> c = codesOf(messages("permission-pending.messages.json"), Status.IDLE);
        assertEquals(Set.of(Diagnosis.STUCK), c);
    }

    @Test
    void busyInFlightMessageIsNotAFailure() throws IOException {
        String json = Fixtures.read("provider-unreachable.messages.json");
        assertEquals(Set.of(), codesOf(read(json), BUSY), "a call in progress is not yet a failure");
    }

    @Test
    void idleUserMessageWithoutReplyIsNoReply() throws IOException {
        List<Message> ms = messages("normal.messages.json");
        List<Message> onlyUser = List.of(ms.get(0));
        Set<String> c = codesOf(onlyUser, Status.IDLE);
        assertEquals(Set.of(Diagnosis.NO_REPLY), c);
        assertEquals(Set.of(), codesOf(onlyUser, BUSY), "busy: the reply may still come");
    }

    @Test
    void toolErrorIsFlagged() throws IOException {
        String json = Fixtures.read("permission-pending.messages.json")
                .replace("\"status\": \"running\"", "\"status\": \"error\", \"error\": \"permission rejected\"");
        List<Message> ms = read(json);
        assertTrue(codesOf(ms, BUSY).contains(Diagnosis.TOOL_ERROR));
    }

    @Test
    void providerErrorInRetryMeansTheModelWasReached() throws IOException {
        List<Message> ms = messages("provider-unreachable.messages.json");
        Status retry5xx = new Status("retry", 3, "Internal Server Error", 1795463791387L);
        assertEquals(Set.of(Diagnosis.RETRYING), codesOf(ms, retry5xx));
    }

    @Test
    void abortBeforeAnyPartIsNotBlamedOnTheConnection() throws IOException {
        String json = Fixtures.read("provider-unreachable.messages.json").replace("\"cost\": 0,",
                "\"cost\": 0, \"error\": {\"name\": \"MessageAbortedError\", \"data\": {\"message\": \"Aborted\"}},");
        assertEquals(Set.of(Diagnosis.MESSAGE_ERROR), codesOf(read(json), Status.IDLE));
    }

    @Test
    void providerAuthErrorIsZeroTokensButNotAConnectFailure() throws IOException {
        String json = Fixtures.read("provider-unreachable.messages.json").replace("\"cost\": 0,",
                "\"cost\": 0, \"error\": {\"name\": \"ProviderAuthError\", \"data\": {\"providerID\": \"dead\", "
                        + "\"message\": \"API key is missing\"}},");
        Set<String> c = codesOf(read(json), Status.IDLE);
        assertEquals(Set.of(Diagnosis.ZERO_TOKENS, Diagnosis.MESSAGE_ERROR), c);
    }

    @Test
    void tolerantOfUnknownPartsWrongTypesAndNulls() throws IOException {
        String json = "[{\"info\":{\"id\":\"msg_1\",\"role\":\"user\",\"time\":null},\"parts\":[{\"type\":\"hologram\","
                + "\"id\":\"prt_1\",\"glow\":3},42,null]},{\"info\":{\"id\":\"msg_2\",\"role\":\"assistant\","
                + "\"tokens\":\"many\",\"time\":{\"created\":\"soon\"},\"error\":{\"name\":\"BrandNewError\"}},"
                + "\"parts\":[{\"type\":\"text\",\"text\":7}]},{\"unexpected\":true}]";
        List<Message> ms = read(json);
        assertEquals(3, ms.size());
        assertEquals("hologram", ms.get(0).parts.get(0).type);
        assertEquals(List.of("glow"), ms.get(0).parts.get(0).keys);
        assertNull(ms.get(1).created);
        assertEquals("BrandNewError", ms.get(1).error.name());
        Set<String> c = codesOf(ms, Status.IDLE);
        assertTrue(c.contains(Diagnosis.MESSAGE_ERROR), c.toString());
        assertFalse(c.contains(Diagnosis.MODEL_CONNECT_FAILED), "text came back: " + c);
    }

    @Test
    void longTextsAreTrimmedUnlessFull() throws IOException {
        String big = "x".repeat(ReadOptions.TEXT_LIMIT * 3);
        String json = "[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"},\"parts\":[{\"type\":\"text\",\"text\":\""
                + big + "\"},{\"type\":\"tool\",\"tool\":\"bash\",\"state\":{\"status\":\"completed\",\"input\":"
                + "{\"command\":\"ls\"},\"output\":\"" + big + "\"}}]}]";
        Part text = read(json).get(0).parts.get(0);
        assertEquals(ReadOptions.TEXT_LIMIT, text.text.length());
        assertEquals(big.length(), text.chars);
        assertTrue(text.trimmed);
        Part tool = read(json).get(0).parts.get(1);
        assertEquals(ReadOptions.OUTPUT_LIMIT, tool.output.length());
        assertEquals("ls", tool.input);
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            Part full = MessageReader.read(in, new ReadOptions(true, false)).get(0).parts.get(0);
            assertEquals(big, full.text);
            assertFalse(full.trimmed);
        }
    }

    @Test
    void aTrimNeverSplitsASurrogatePairAndCountsTheWhole() throws IOException {
        String text = "x".repeat(ReadOptions.TEXT_LIMIT - 1) + "\ud83d\ude80" + "y".repeat(10);
        String output = "o".repeat(ReadOptions.OUTPUT_LIMIT - 1) + "\ud83d\ude80";
        for (boolean escaped : new boolean[] {false, true}) {
            String json = "[{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"},\"parts\":[{\"type\":\"text\","
                    + "\"text\":" + Json.mapper().writeValueAsString(text) + "},{\"type\":\"tool\",\"state\":{\"output\":"
                    + Json.mapper().writeValueAsString(output) + "}}]}]";
            if (escaped) {
                json = json.replace("\ud83d\ude80", "\\ud83d\\ude80");
            }
            List<Part> parts = read(json).get(0).parts;
            assertEquals("x".repeat(ReadOptions.TEXT_LIMIT - 1), parts.get(0).text, "escaped " + escaped);
            assertEquals(text.length(), parts.get(0).chars);
            assertTrue(parts.get(0).trimmed);
            assertEquals("o".repeat(ReadOptions.OUTPUT_LIMIT - 1), parts.get(1).output, "escaped " + escaped);
            assertEquals(output.length(), parts.get(1).outputChars);
            assertTrue(parts.get(1).outputTrimmed);
        }
    }

    static List<Message> read(String json) throws IOException {
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return MessageReader.read(in, ReadOptions.DEFAULT);
        }
    }

    static Set<String> codesOf(List<Message> ms, Status status) {
        SessionInfo info = new SessionInfo("ses_x", null, null, null, null, null, null, null, null, null);
        Set<String> s = new TreeSet<>();
        report(info, status, ms, List.of(), new Diagnosis("ocs", null), ReportView.NONE).findings()
                .forEach(f -> s.add(f.code()));
        return s;
    }

    // Recorded from the bench by RecordCaptures (src/test/resources/captures/recorded).

    @Test
    void recordedUnknownModelIsNoReply() throws IOException {
        Report r = report("recorded/unknown-model.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(Diagnosis.NO_REPLY), codes(r));
        assertTrue(r.findings().get(0).summary().contains("no-such-model"), r.findings().toString());
    }

    @Test
    void recordedUpstream500IsRetryingWithTheProvidersMessageNotAConnectFailure() throws IOException {
        List<Message> ms = messages("recorded/upstream-500.messages.json");
        Status st = Status.of(Json.mapper().readTree(Fixtures.read("recorded/upstream-500.status.json")), ms.get(0).sessionID);
        Report r = report("recorded/upstream-500.messages.json", st, List.of(), null);
        assertTrue(codes(r).contains(Diagnosis.RETRYING), codes(r).toString());
        assertFalse(codes(r).contains(Diagnosis.MODEL_CONNECT_FAILED), "the provider answered with its own error");
        assertTrue(r.findings().stream().anyMatch(f -> f.evidence().contains("stand-in upstream failure")));
    }

    @Test
    void recordedApprovedToolRunHasNoFindings() throws IOException {
        Report r = report("recorded/tool-approved.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(), codes(r));
        assertEquals("Tool finished: (no output)", r.finalText());
    }

    @Test
    void recordedRejectedToolIsAToolError() throws IOException {
        Report r = report("recorded/tool-rejected.messages.json", Status.IDLE, List.of(), null);
        assertTrue(codes(r).contains(Diagnosis.TOOL_ERROR), codes(r).toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.evidence().contains("rejected permission")), r.findings().toString());
    }

    @Test
    void recordedTwoMegabyteReplyIsTrimmedAndClean() throws IOException {
        Report r = report("recorded/big-reply.messages.json", Status.IDLE, List.of(), null);
        assertEquals(Set.of(), codes(r));
        Part text = messages("recorded/big-reply.messages.json").get(1).parts.stream().filter(p -> "text".equals(p.type)).findFirst().orElseThrow();
        assertTrue(text.trimmed, "2 MB of text is trimmed by default");
        assertTrue(text.chars > 2_000_000, "but its full size is known: " + text.chars);
    }
}

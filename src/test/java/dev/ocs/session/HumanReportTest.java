package dev.ocs.session;

import dev.ocs.http.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HumanReportTest {
    /** Set the window title, clear the screen, a C1 CSI, a bell: what a hostile server could put in any name. */
    static final String EVIL = "\u001b]0;pwned\u0007\u001b[2J\u009b31m\u0007";

    static String render(boolean colour) throws IOException {
        String e = Json.mapper().writeValueAsString(EVIL).replaceAll("^\"|\"$", "");
        String body = "[{\"info\":{\"id\":\"msg_1" + e + "\",\"role\":\"user\",\"agent\":\"a" + e + "\","
                + "\"model\":{\"providerID\":\"p" + e + "\",\"modelID\":\"m\"}},\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
                + "{\"info\":{\"id\":\"msg_2\",\"role\":\"assistant\",\"parentID\":\"msg_1" + e + "\",\"providerID\":\"x" + e
                + "\",\"modelID\":\"m\",\"finish\":\"stop" + e + "\",\"time\":{\"created\":1,\"completed\":2}},\"parts\":["
                + "{\"type\":\"tool\",\"tool\":\"bash" + e + "\",\"state\":{\"status\":\"error" + e + "\",\"input\":{\"command\":\"ls"
                + e + "\"},\"error\":\"bad" + e + "\"}},{\"type\":\"file\",\"filename\":\"f" + e + "\",\"mime\":\"t" + e + "\"},"
                + "{\"type\":\"weird" + e + "\",\"k" + e + "\":1}]}]";
        List<Message> ms;
        try (InputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))) {
            ms = MessageReader.read(in, ReadOptions.DEFAULT);
        }
        SessionInfo info = new SessionInfo("ses_1", "title" + EVIL, "/dir" + EVIL, null, "1" + EVIL, null, null, null,
                null, null);
        Permission perm = new Permission("per_1", "ses_1", "bash" + EVIL, List.of("rm" + EVIL), List.of(), "msg_2",
                "c" + EVIL);
        Status status = new Status("retry", 2, "down" + EVIL, null);
        StringWriter out = new StringWriter();
        DiagnosisTest.report(info, status, ms, List.of(perm), new Diagnosis("ocs", null),
                new HumanReport(new PrintWriter(out), new Style(colour), ReadOptions.DEFAULT));
        return out.toString();
    }

    @Test
    void nothingTheServerSendsReachesTheTerminalAsAControl() throws IOException {
        for (boolean colour : new boolean[] {false, true}) {
            String out = render(colour);
            assertTrue(out.contains("bash") && out.contains("rm") && out.contains("stop"), out);
            String withoutOurCodes = colour ? Pattern.compile("\u001b\\[(0|1|2|31|32|33|36)m").matcher(out).replaceAll("")
                    : out;
            for (char c : withoutOurCodes.toCharArray()) {
                assertFalse(Character.isISOControl(c) && c != '\n', "control U+" + Integer.toHexString(c)
                        + " (colour " + colour + ") in:\n" + out);
            }
            assertEquals(colour, out.contains("\u001b[1m"), "colour codes only with colour on");
            assertTrue(out.contains("\uFFFD"), "controls are shown, not dropped: " + out);
        }
    }
}

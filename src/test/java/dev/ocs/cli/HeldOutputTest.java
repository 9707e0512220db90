package dev.ocs.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeldOutputTest {
    /** Past the in-memory part (a temporary file holds the rest), with text of every UTF-8 length. */
    static String report() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 3 * HeldOutput.IN_MEMORY; i++) {
            sb.append("line ").append(i).append(": \"quotes\" é ü 中文 😀 עברית\n");
        }
        return sb.toString();
    }

    @Test
    void nothingGoesOutBeforeReleaseThenAllOfItExactly() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        HeldOutput held = new HeldOutput(stdout);
        PrintWriter w = new PrintWriter(new OutputStreamWriter(held, StandardCharsets.UTF_8));
        String text = report();
        for (int i = 0; i < text.length(); i += 7919) {
            w.write(text, i, Math.min(7919, text.length() - i));
        }
        w.flush();
        assertEquals(0, stdout.size(), "held back until the report is whole");
        held.release();
        assertTrue(stdout.size() > 3 * HeldOutput.IN_MEMORY, "past what is kept in memory: " + stdout.size());
        assertEquals(text, stdout.toString(StandardCharsets.UTF_8), "the same characters, in order");
    }

    @Test
    void aSmallReportStaysInMemory() throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        HeldOutput held = new HeldOutput(stdout);
        held.write("Session ses_x\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, stdout.size());
        held.release();
        assertEquals("Session ses_x\n", stdout.toString(StandardCharsets.UTF_8));
    }
}

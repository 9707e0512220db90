package dev.ocs.api;

import dev.ocs.bench.OpencodeServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's table of tested versions is the build's list ({@code opencode.versions}), in the same order. */
class TestedVersionsTest {
    @Test
    void readmeTableIsTheBuildsList() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("<!-- tested-versions -->");
        int end = readme.indexOf("<!-- /tested-versions -->");
        assertTrue(start >= 0 && end > start, "README.md has no tested-versions table");
        List<String> inTable = new ArrayList<>();
        for (String line : readme.substring(start, end).split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length > 1 && cells[1].strip().matches("[0-9]+\\.[0-9]+\\.[0-9]+")) {
                inTable.add(cells[1].strip());
            }
        }
        assertEquals(OpencodeServer.testedVersions(), inTable);
        assertTrue(OpencodeServer.testedVersions().contains(OpencodeServer.pinnedVersion()),
                "the default test server's version is one of the tested");
    }
}

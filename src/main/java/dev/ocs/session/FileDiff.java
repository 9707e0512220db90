package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * What one turn of a session did to one file, as {@code GET /session/{id}/diff?messageID=} says, with its patch
 * made one that {@code git apply} and {@code patch -p1} take: opencode writes {@code --- notes.txt} /
 * {@code +++ notes.txt} headers (no {@code a/} {@code b/}, no {@code /dev/null} for a new file) under an
 * {@code Index:} line, which git does not accept as they are.
 *
 * @param status added, modified or deleted (from the server, or read from the patch where it says none)
 * @param patch  the git-style patch, or null when the server sent none (a binary or very large file)
 */
public record FileDiff(String file, String status, long additions, long deletions, String patch) {

    public static List<FileDiff> listFrom(JsonNode array) {
        List<FileDiff> out = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return out;
        }
        for (JsonNode d : array) {
            String file = Json.text(d, "file") != null ? Json.text(d, "file") : Json.text(d, "path");
            if (file == null) {
                continue;
            }
            String raw = Json.text(d, "patch");
            String status = Json.text(d, "status");
            if (status == null) {
                status = raw == null ? "modified" : raw.contains("\n@@ -0,0 ") ? "added"
                        : raw.matches("(?s).*\n@@ -[0-9,]+ \\+0,0 @@.*") ? "deleted" : "modified";
            }
            out.add(new FileDiff(file, status, (long) d.path("additions").asDouble(),
                    (long) d.path("deletions").asDouble(), raw == null || raw.isBlank() ? null : git(file, status, raw)));
        }
        return out;
    }

    /** The patch with git's headers: {@code diff --git a/F b/F}, the file mode for a new or deleted file, a/ b/. */
    static String git(String file, String status, String raw) {
        StringBuilder sb = new StringBuilder();
        sb.append("diff --git a/").append(file).append(" b/").append(file).append('\n');
        if (status.equals("added")) {
            sb.append("new file mode 100644\n");
        } else if (status.equals("deleted")) {
            sb.append("deleted file mode 100644\n");
        }
        boolean inHunks = false;
        for (String line : raw.split("\n", -1)) {
            if (!inHunks) {
                if (line.startsWith("--- ")) {
                    sb.append(status.equals("added") ? "--- /dev/null" : "--- a/" + file).append('\n');
                } else if (line.startsWith("+++ ")) {
                    sb.append(status.equals("deleted") ? "+++ /dev/null" : "+++ b/" + file).append('\n');
                } else if (line.startsWith("@@")) {
                    inHunks = true;
                    sb.append(line).append('\n');
                }
                // Index: and ===== lines (and anything else before the hunks) are left out
            } else {
                sb.append(line).append('\n');
            }
        }
        // split keeps the text after the last newline: the patch ended with one, so one too many was added
        int end = sb.length();
        while (end > 1 && sb.charAt(end - 1) == '\n' && sb.charAt(end - 2) == '\n') {
            end--;
        }
        sb.setLength(end);
        return sb.toString();
    }
}

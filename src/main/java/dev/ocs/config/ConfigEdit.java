package dev.ocs.config;

import dev.ocs.OcsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Changes to the config file made as text: a table appended, a table taken out, the {@code default} line set.
 * Every other line stays byte for byte, comments included. The result is read back before it is written (an edit
 * never leaves a file ocs cannot read), and written whole (a temporary file renamed over it). A new file gets mode
 * 600. No password is ever written: a profile names where its password is kept.
 */
public final class ConfigEdit {
    private static final Pattern HEADER = Pattern.compile("\\s*\\[.*");
    private static final Pattern DEFAULT_LINE = Pattern.compile("\\s*default\\s*=.*");

    private ConfigEdit() {}

    /** The text with a {@code [servers.NAME]} table appended. */
    public static String add(String text, String name, String url, String username, String sourceKey,
                             Object sourceValue) {
        StringBuilder sb = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            sb.append('\n');
        }
        if (!text.isBlank()) {
            sb.append('\n');
        }
        sb.append("[servers.").append(name).append("]\n");
        sb.append("url = ").append(quote(url)).append('\n');
        if (username != null) {
            sb.append("username = ").append(quote(username)).append('\n');
        }
        if (sourceKey != null) {
            sb.append(sourceKey).append(" = ");
            if (sourceValue instanceof List<?> words) {
                List<String> q = new ArrayList<>();
                words.forEach(w -> q.add(quote(String.valueOf(w))));
                sb.append('[').append(String.join(", ", q)).append(']');
            } else {
                sb.append(quote(String.valueOf(sourceValue)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The text without the table {@code [servers.NAME]}: its header and every line up to the next table's header,
     * except the comments and blank lines right before that header (they belong to it).
     */
    public static String remove(String text, String name) {
        List<String> lines = lines(text);
        Pattern header = Pattern.compile("\\s*\\[\\s*servers\\s*\\.\\s*\"?" + Pattern.quote(name) + "\"?\\s*\\].*");
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (header.matcher(strip(lines.get(i))).matches()) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return text;
        }
        int end = start + 1;
        while (end < lines.size() && !HEADER.matcher(strip(lines.get(end))).matches()) {
            end++;
        }
        if (end < lines.size()) {
            while (end - 1 > start && (strip(lines.get(end - 1)).isBlank() || strip(lines.get(end - 1)).trim()
                    .startsWith("#"))) {
                end--;
            }
        }
        // the blank line that stood before the table goes with it
        if (start > 0 && strip(lines.get(start - 1)).isBlank()) {
            start--;
        }
        List<String> out = new ArrayList<>(lines.subList(0, start));
        out.addAll(lines.subList(end, lines.size()));
        return String.join("", out);
    }

    /** The text with {@code default = "NAME"}: the top-level line replaced, or put first. */
    public static String setDefault(String text, String name) {
        List<String> lines = lines(text);
        int at = defaultLine(lines);
        if (at >= 0) {
            lines.set(at, "default = " + quote(name) + ending(lines.get(at)));
            return String.join("", lines);
        }
        return "default = " + quote(name) + "\n" + (text.isEmpty() || text.startsWith("\n") ? "" : "\n") + text;
    }

    /** The text without the top-level {@code default} line. */
    public static String dropDefault(String text) {
        List<String> lines = lines(text);
        int at = defaultLine(lines);
        if (at < 0) {
            return text;
        }
        lines.remove(at);
        return String.join("", lines);
    }

    /** The index of the top-level {@code default = …} line (before any table), or -1. */
    private static int defaultLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String l = strip(lines.get(i));
            if (HEADER.matcher(l).matches()) {
                return -1;
            }
            if (DEFAULT_LINE.matcher(l).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** Writes the text whole: mode 600 for a new file, the old file's mode kept otherwise. */
    public static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + file.getFileName() + ".ocs-" + ProcessHandle.current().pid());
            Set<PosixFilePermission> mode = Files.exists(file) ? Files.getPosixFilePermissions(file)
                    : PosixFilePermissions.fromString("rw-------");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                throw new IOException(e);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, mode);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw OcsException.usage("config " + file + ": cannot write it (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A TOML basic string. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** The lines with their line ends, so that joining them gives the text back byte for byte. */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static String strip(String line) {
        return line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    private static String ending(String line) {
        return line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
    }
}

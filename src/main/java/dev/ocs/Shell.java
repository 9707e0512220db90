package dev.ocs;

import java.util.regex.Pattern;

/** Words for a command line that ocs prints as advice: pasted into a POSIX shell, each stays one word. */
public final class Shell {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    /** The word as it is when nothing in it is special to the shell, else in single quotes. */
    public static String quote(String word) {
        if (word != null && PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + (word == null ? "" : word.replace("'", "'\\''")) + "'";
    }
}

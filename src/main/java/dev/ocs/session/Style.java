package dev.ocs.session;

/** ANSI styling that disappears when colour is off. */
public record Style(boolean on) {
    public String bold(String s) {
        return wrap("1", s);
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String red(String s) {
        return wrap("31", s);
    }

    public String yellow(String s) {
        return wrap("33", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    public String cyan(String s) {
        return wrap("36", s);
    }

    private String wrap(String code, String s) {
        return on ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    /** The escape sequences this style writes: the only ones {@link #clean} lets through. */
    private static final String[] CODES = {"\u001b[0m", "\u001b[1m", "\u001b[2m", "\u001b[31m", "\u001b[32m",
            "\u001b[33m", "\u001b[36m"};

    /**
     * A line fit for the terminal. Server text may hold terminal escapes (which could move the cursor, rewrite the
     * screen or set the window title): every control character becomes U+FFFD, carriage returns go, and only
     * newlines, tabs and, when colour is on, this style's own colour codes pass.
     */
    public String clean(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                if (sb == null) {
                    sb = new StringBuilder(text.length()).append(text, 0, i);
                }
                String code = c == '\u001b' && on ? codeAt(text, i) : null;
                if (code != null) {
                    sb.append(code);
                    i += code.length() - 1;
                } else if (c != '\r') {
                    sb.append('\uFFFD');
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static String codeAt(String text, int i) {
        for (String code : CODES) {
            if (text.startsWith(code, i)) {
                return code;
            }
        }
        return null;
    }
}

package dev.ocs;

/** The exit-code table shared by every command; the README documents the same numbers. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FINDING = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int AUTH = 4;
    public static final int NOT_FOUND = 5;
    public static final int SERVER_ERROR = 6;
    public static final int TIMEOUT = 7;
    public static final int PERMISSION = 8;
    public static final int INTERRUPTED = 130;

    private ExitCode() {}
}

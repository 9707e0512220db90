package dev.ocs;

/**
 * An expected failure: one line for the user and the exit code it maps to.
 * The message never contains credentials.
 */
public class OcsException extends RuntimeException {
    private final int exitCode;

    public OcsException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public OcsException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static OcsException usage(String message) {
        return new OcsException(ExitCode.USAGE, message);
    }

    public static OcsException notFound(String message) {
        return new OcsException(ExitCode.NOT_FOUND, message);
    }
}

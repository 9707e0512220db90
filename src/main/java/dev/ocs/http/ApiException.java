package dev.ocs.http;

import dev.ocs.OcsException;

/** The server answered with an HTTP error status. Carries what it said, so commands can phrase it. */
public final class ApiException extends OcsException {
    private final int status;
    private final String errorName;
    private final String serverMessage;
    private final String evidence;

    public ApiException(int exitCode, String message, int status, String errorName, String serverMessage) {
        this(exitCode, message, status, errorName, serverMessage, null);
    }

    public ApiException(int exitCode, String message, int status, String errorName, String serverMessage,
                        String evidence) {
        super(exitCode, message);
        this.status = status;
        this.errorName = errorName;
        this.serverMessage = serverMessage;
        this.evidence = evidence;
    }

    /** What was answered, in a few words ({@code GET /x answered HTTP 404: '<html>…'}), or null. */
    public String evidence() {
        return evidence;
    }

    public int status() {
        return status;
    }

    /** {@code name} or {@code _tag} of the server's error body, or null. */
    public String errorName() {
        return errorName;
    }

    /** The server's own message, or null. */
    public String serverMessage() {
        return serverMessage;
    }

    /** True when the body was the server's JSON error, not a bare 404 from something else. */
    public boolean isServerError() {
        return errorName != null;
    }
}

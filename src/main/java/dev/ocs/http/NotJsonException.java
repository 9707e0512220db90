package dev.ocs.http;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;

/** A successful answer that is not JSON (an HTML page, plain text): a sign that the server is not opencode. */
public final class NotJsonException extends OcsException {
    private final String evidence;

    public NotJsonException(String message, String evidence) {
        super(ExitCode.SERVER_ERROR, message);
        this.evidence = evidence;
    }

    /** What was answered, in a few words: {@code GET /x answered text/html: '<html>…'}. */
    public String evidence() {
        return evidence;
    }
}

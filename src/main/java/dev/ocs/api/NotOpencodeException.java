package dev.ocs.api;

import dev.ocs.ExitCode;
import dev.ocs.OcsException;

/** The server answers, but is not an opencode ocs can talk to: not opencode at all, or a 0.x line. Exit 6. */
public final class NotOpencodeException extends OcsException {
    public NotOpencodeException(String message) {
        super(ExitCode.SERVER_ERROR, message);
    }
}

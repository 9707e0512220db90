package dev.ocs;

import java.util.regex.Pattern;

/** Session and request ids are data: checked before any request, so none can reach another route. */
public final class Ids {
    private static final Pattern SESSION = Pattern.compile("ses_[A-Za-z0-9]{1,100}");
    private static final Pattern PERMISSION = Pattern.compile("per_[A-Za-z0-9]{1,100}");
    private static final Pattern QUESTION = Pattern.compile("que_[A-Za-z0-9]{1,100}");
    private static final Pattern MESSAGE = Pattern.compile("msg_[A-Za-z0-9]{1,100}");

    private Ids() {}

    public static String session(String id) {
        return check(id, SESSION, "session id", "ses_");
    }

    public static String permission(String id) {
        return check(id, PERMISSION, "permission request id", "per_");
    }

    public static String question(String id) {
        return check(id, QUESTION, "question request id", "que_");
    }

    public static String message(String id) {
        return check(id, MESSAGE, "message id", "msg_");
    }

    private static String check(String id, Pattern p, String what, String prefix) {
        if (id == null || !p.matcher(id).matches()) {
            String shown = id == null ? "" : dev.ocs.http.OpencodeClient.oneLine(id, 40);
            throw OcsException.usage("'" + shown + "' is not a " + what + ": expected " + prefix
                    + " followed by letters and digits");
        }
        return id;
    }
}

package dev.ocs.session;

import dev.ocs.ExitCode;

import java.util.List;

/** Everything {@code inspect} knows about a session, and what it concluded. */
public record Report(String url, SessionInfo session, Status status, List<Message> messages,
                     List<Permission> permissions, List<Finding> findings, boolean partial) {

    /** 0 nothing wrong, 8 only waiting on a permission, 1 anything else found (1 wins over 8). */
    public int exitCode() {
        boolean permission = false;
        for (Finding f : findings) {
            if (!f.code().equals(Diagnosis.PERMISSION_PENDING)) {
                return ExitCode.FINDING;
            }
            permission = true;
        }
        return permission ? ExitCode.PERMISSION : ExitCode.OK;
    }

    /** The text of the newest assistant message that has any: what a prompt's sender wants back. */
    public String finalText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.isUser()) {
                return null;
            }
            if (m.isAssistant() && m.hasText()) {
                StringBuilder sb = new StringBuilder();
                for (Part p : m.parts) {
                    if (p.type.equals("text") && !p.blank) {
                        if (sb.length() > 0) {
                            sb.append("\n\n");
                        }
                        sb.append(p.text);
                    }
                }
                return sb.toString();
            }
        }
        return null;
    }
}

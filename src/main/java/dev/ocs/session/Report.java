package dev.ocs.session;

import dev.ocs.ExitCode;

import java.util.List;

/**
 * What {@code inspect} concluded about a session, once all its messages have gone by. The messages themselves
 * are not kept (they were shown as they were read, see {@link ReportView}): only their totals, and the answer a
 * prompt's sender wants back.
 *
 * @param finalText  the text of the newest assistant message that has any, unless a prompt follows it (its parts
 *                   trimmed as the read options say)
 * @param finalChars that text's whole length, as the server sent it
 */
public record Report(String url, SessionInfo session, Status status, Waiting waiting,
                     Totals totals, List<Finding> findings, String finalText, int finalChars) {

    /** 0 nothing wrong, 8 only waiting on a person (a permission or a question), 1 anything else (1 wins over 8). */
    public int exitCode() {
        boolean person = false;
        for (Finding f : findings) {
            if (!Diagnosis.waitsOnPerson(f)) {
                return ExitCode.FINDING;
            }
            person = true;
        }
        return person ? ExitCode.PERMISSION : ExitCode.OK;
    }

    public List<Permission> permissions() {
        return waiting.permissions();
    }

    public List<Question> questions() {
        return waiting.questions();
    }

    /** The session's own totals when it has them and all messages were read, else the sum of what was read. */
    public Tokens tokens() {
        return session.tokens() != null && !totals.partial() ? session.tokens() : totals.tokens();
    }

    public double cost() {
        return session.cost() != null && !totals.partial() ? session.cost() : totals.cost();
    }

    /**
     * Counts over the messages read.
     *
     * @param partial only some of the session's messages were read (--last, or one run of a longer session)
     */
    public record Totals(int messages, int users, int assistants, Tokens tokens, double cost, boolean partial) {
        public static final Totals NONE = new Totals(0, 0, 0, Tokens.ZERO, 0, false);

        Totals plus(Message m) {
            return new Totals(messages + 1, users + (m.isUser() ? 1 : 0), assistants + (m.isAssistant() ? 1 : 0),
                    tokens.plus(m.tokens), cost + m.cost, partial);
        }

        Totals partial(boolean p) {
            return new Totals(messages, users, assistants, tokens, cost, partial || p);
        }
    }

    /**
     * Makes a report from messages handed over one at a time, in order: each is diagnosed and shown through the
     * view, then let go; only the totals and the newest answer's text are kept.
     */
    public static final class Builder {
        private final String url;
        private final SessionInfo session;
        private final Status status;
        private final Waiting waiting;
        private final Diagnosis.Run run;
        private final ReportView view;
        private Totals totals = Totals.NONE;
        private String finalText;
        private int finalChars;

        /** Shows the head of the report at once. */
        public Builder(String url, SessionInfo session, Status status, Waiting waiting,
                       Diagnosis diagnosis, ReportView view) {
            this.url = url;
            this.session = session;
            this.status = status;
            this.waiting = waiting;
            this.run = diagnosis.start(session, status, waiting);
            this.view = view;
            view.head(url, session, status, waiting);
        }

        public void message(Message m) {
            totals = totals.plus(m);
            if (m.isUser()) {
                finalText = null;
                finalChars = 0;
            } else if (m.isAssistant() && m.hasText()) {
                finalText = m.text();
                finalChars = finalText.length();
                for (Part p : m.parts) {
                    if (p.type.equals("text") && !p.blank && p.text != null) {
                        finalChars += p.chars - p.text.length();
                    }
                }
            }
            run.message(m);
            view.message(m);
        }

        public int count() {
            return totals.messages();
        }

        /** Shows the end of the report (totals, findings) and returns it. */
        public Report end(boolean partial) {
            Report r = new Report(url, session, status, waiting, totals.partial(partial), run.findings(), finalText, finalChars);
            view.end(r);
            return r;
        }
    }
}

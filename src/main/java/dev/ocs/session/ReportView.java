package dev.ocs.session;


/**
 * Shows a report while it is read: its head, then each message in order as it arrives (and is then let go, so a
 * session of any size takes the memory of one message), then the end, with the totals and the findings.
 */
public interface ReportView {
    /** For callers that only want the {@link Report}. */
    ReportView NONE = new ReportView() {
        @Override
        public void head(String url, SessionInfo session, Status status, Waiting waiting) { }

        @Override
        public void message(Message m) { }

        @Override
        public void end(Report r) { }
    };

    void head(String url, SessionInfo session, Status status, Waiting waiting);

    void message(Message m);

    void end(Report r);
}

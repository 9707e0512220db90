package dev.ocs.run;

import java.io.PrintWriter;

/** A one-line status on stderr, redrawn in place; only on a terminal. Notes are kept as lines. */
public final class StatusLine {
    private final PrintWriter err;
    private final boolean tty;
    private boolean showing;

    public StatusLine(PrintWriter err, boolean tty) {
        this.err = err;
        this.tty = tty;
    }

    public void show(String text) {
        if (!tty) {
            return;
        }
        err.print("\r\u001b[2K" + dev.ocs.http.OpencodeClient.oneLine("ocs: " + text, 78));
        err.flush();
        showing = true;
    }

    public void note(String text) {
        clear();
        err.println("ocs: " + text);
        err.flush();
    }

    public void clear() {
        if (showing) {
            err.print("\r\u001b[2K");
            err.flush();
            showing = false;
        }
    }
}

package dev.ocs;

import dev.ocs.cli.OcsCommand;
import dev.ocs.cli.Services;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            // Larger reads for multi-MB sessions; measured in docs/PERFORMANCE.md.
            System.setProperty("jdk.httpclient.bufsize", "262144");
        }
        PrintWriter err = new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        // Nothing may write to System.out behind our back: data goes through services.out() only.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        boolean tty = Terminal.isTerminal();
        Services services = new Services(System.getenv(), new FileOutputStream(FileDescriptor.out), err, System.in,
                tty, tty);
        int code = OcsCommand.run(services, args);
        services.out().flush();
        err.flush();
        stopHttpSelectors();
        // Exit explicitly: the HTTP client's threads would otherwise hold the JVM for a while.
        Runtime.getRuntime().halt(code);
    }

    /**
     * The HTTP client's selector thread sits in a native epoll call, and the JVM's exit waits up to 300 ms for
     * threads in native code to come back (JDK 17 has no HttpClient.shutdown()). Interrupting it ends its loop.
     */
    private static void stopHttpSelectors() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().endsWith("SelectorManager")) {
                t.interrupt();
                try {
                    t.join(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}

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
        PrintWriter out = new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        // Nothing may write to System.out behind our back: data goes through 'out' only.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        boolean tty = Terminal.isTerminal();
        Services services = new Services(System.getenv(), out, err, System.in, tty, tty);
        int code = OcsCommand.run(services, args);
        out.flush();
        err.flush();
        // Exit explicitly: the HTTP client's selector thread would otherwise hold the JVM for a while.
        Runtime.getRuntime().halt(code);
    }
}

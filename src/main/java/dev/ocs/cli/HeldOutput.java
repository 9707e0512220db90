package dev.ocs.cli;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A report's stdout, held back until the report is whole: a session read that fails halfway (exit 6) leaves
 * stdout empty, never half a report, while a report of any size still takes little memory. The first
 * {@value #IN_MEMORY} bytes are kept in memory, the rest goes to a temporary file that is unlinked as soon as it is
 * open (so nothing is left behind, however the process ends). Where no temporary file can be made, the rest goes
 * straight out.
 */
final class HeldOutput extends OutputStream {
    static final int IN_MEMORY = 1 << 20;
    /** The temporary file is written and read back in pieces this large (a system call each; 8 KB before). */
    static final int FILE_BUFFER = 256 * 1024;

    private final OutputStream out;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream(64 * 1024);
    private FileChannel file;
    private OutputStream spill;
    private boolean direct;

    HeldOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (direct) {
            out.write(b, off, len);
        } else if (spill != null) {
            spill.write(b, off, len);
        } else {
            held.write(b, off, len);
            if (held.size() > IN_MEMORY) {
                spill();
            }
        }
    }

    private void spill() throws IOException {
        try {
            // Not Files.createTempFile: its random names cost a SecureRandom, and with it ~200 ms of security set-up.
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"),
                    "ocs-report-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".txt");
            file = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // not on this file system (Windows): DELETE_ON_CLOSE removes it
            }
            spill = new BufferedOutputStream(Channels.newOutputStream(file), FILE_BUFFER);
        } catch (IOException | SecurityException | java.nio.file.InvalidPathException e) {
            direct = true;
        }
        held.writeTo(direct ? out : spill);
        held.reset();
    }

    /** The report is whole: everything held goes out now. */
    void release() {
        try {
            if (spill != null) {
                spill.flush();
                file.position(0);
                InputStream in = Channels.newInputStream(file);
                byte[] buffer = new byte[FILE_BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
                file.close();
            } else {
                held.writeTo(out);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        // held until release()
    }

    @Override
    public void close() {
        // the process's stdout stays open
    }
}

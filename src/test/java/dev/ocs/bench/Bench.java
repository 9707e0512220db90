package dev.ocs.bench;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The test bench on its own, for the demo and the benchmark: a stand-in model and a real opencode server
 * that uses it. {@code Bench --env-file F} writes shell assignments (OCS_URL, OPENCODE_SERVER_USERNAME,
 * OPENCODE_SERVER_PASSWORD, OCS_BENCH_PROJECT, OCS_BENCH_MODEL, OCS_BENCH_DEAD_MODEL, OCS_BENCH_PID,
 * OCS_BENCH_MODEL_URL) to F once the server answers, then runs until it is stopped (SIGTERM or Ctrl-C),
 * when it stops the server and deletes its folders. {@code Bench --install} only installs the pinned opencode
 * (once) and prints where its binary is. Progress goes to stderr.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        Path envFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--env-file") && i + 1 < args.length) {
                envFile = Path.of(args[++i]);
            } else if (args[i].equals("--install") && args.length == 1) {
                System.out.println(OpencodeServer.ensureInstalled(new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
                return;
            } else {
                System.err.println("usage: Bench [--env-file FILE | --install]");
                System.exit(2);
            }
        }
        PrintWriter progress = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        StandInModel model = StandInModel.start();
        OpencodeServer server;
        try {
            server = OpencodeServer.start(model, progress);
        } catch (RuntimeException e) {
            model.close();
            progress.println("bench: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            model.close();
        }, "bench-stop"));
        String env = "OCS_URL=" + server.url() + "\n"
                + "OPENCODE_SERVER_USERNAME=" + OpencodeServer.USERNAME + "\n"
                + "OPENCODE_SERVER_PASSWORD=" + server.password() + "\n"
                + "OCS_BENCH_PROJECT=" + server.project() + "\n"
                + "OCS_BENCH_MODEL=" + OpencodeServer.MODEL + "\n"
                + "OCS_BENCH_DEAD_MODEL=" + OpencodeServer.DEAD_MODEL + "\n"
                + "OCS_BENCH_PID=" + server.pid() + "\n"
                + "OCS_BENCH_MODEL_URL=" + model.baseUrl() + "\n";
        if (envFile != null) {
            // Written whole, then renamed: a reader polling for the file never sees half of it.
            Path tmp = Files.createTempFile(envFile.toAbsolutePath().getParent(), ".bench", ".env");
            Files.writeString(tmp, env);
            Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            System.out.print(env);
            System.out.flush();
        }
        progress.println("bench: opencode (pid " + server.pid() + ") on " + server.url() + ", stand-in model on "
                + model.baseUrl());
        Thread.currentThread().join();
    }
}

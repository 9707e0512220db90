package dev.ocs.bench;

import dev.ocs.cli.OcsCommand;
import dev.ocs.cli.Services;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The training run behind the launcher's class-data archive ({@code scripts/ocs}): the commands a small call
 * makes (serve-check, inspect, inspect --json, help, a not-found error, and an inspect through a config file's
 * default profile, so reading config.toml is in the archive too), run in-process against a
 * {@link SessionServer} serving a generated session, so the JVM records the classes they load. Needs no
 * opencode server; prints nothing.
 */
public final class Train {
    private Train() {}

    private static void run(Map<String, String> env, String[] call) {
        PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Services s = new Services(env, OutputStream.nullOutputStream(), sink,
                new ByteArrayInputStream(new byte[0]), false, false);
        OcsCommand.run(s, call);
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException {
        // The entry point's own classes too (the launcher runs dev.ocs.Main, this training does not): without them a
        // run loads and verifies them from the jar.
        Class.forName("dev.ocs.Main");
        Class.forName("dev.ocs.Terminal");
        Path dir = Files.createTempDirectory("ocs-train-");
        Path session = dir.resolve("ses_train.messages.json");
        try (SessionServer server = new SessionServer("train")) {
            SessionServer.generate(session, "ses_train", 24);
            server.add("ses_train", session);
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("OCS_URL", server.url());
            env.put("OPENCODE_SERVER_PASSWORD", "train");
            List<String[]> calls = List.of(
                    new String[] {"serve-check"},
                    new String[] {"serve-check", "--json"},
                    new String[] {"inspect", "ses_train"},
                    new String[] {"inspect", "ses_train", "--json"},
                    new String[] {"inspect", "ses_train", "--last", "2"},
                    new String[] {"inspect", "ses_nosuchsession"},
                    new String[] {"--help"},
                    new String[] {"send", "--help"});
            for (String[] call : calls) {
                run(env, call);
            }
            // The same inspect through a profile: config.toml with a default server, its password from a file.
            Path config = Files.createDirectories(dir.resolve("config/ocs")).resolve("config.toml");
            Files.writeString(dir.resolve("train.pass"), "train\n");
            Files.writeString(config, "# training\ndefault = \"train\"\n\n[servers.train]\nurl = \"" + server.url()
                    + "\"\nusername = \"opencode\"\npassword_file = \"" + dir.resolve("train.pass") + "\"\n");
            Map<String, String> profiled = new HashMap<>(System.getenv());
            profiled.remove("OCS_URL");
            profiled.remove("OCS_SERVER");
            profiled.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
            run(profiled, new String[] {"inspect", "ses_train"});
        } finally {
            Files.deleteIfExists(session);
            Files.deleteIfExists(dir.resolve("train.pass"));
            Files.deleteIfExists(dir.resolve("config/ocs/config.toml"));
            Files.deleteIfExists(dir.resolve("config/ocs"));
            Files.deleteIfExists(dir.resolve("config"));
            Files.deleteIfExists(dir);
        }
    }
}

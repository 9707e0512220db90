package dev.ocs.real;

import dev.ocs.bench.OpencodeServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ocs as a user without a clone gets it: the release archive that {@code mvn package} made, unpacked and installed
 * with its install.sh into a temp prefix, then used from a PATH of that prefix and the system dirs, where {@code mvn}
 * is a stand-in that records any call (so a launcher that tried to build would be caught): against a real
 * opencode server, its man pages read, its bash completion loaded; then upgraded over an older install, and
 * uninstalled without a trace.
 */
class InstallIT {
    static final Path ROOT = Path.of(System.getProperty("ocs.root", ".")).toAbsolutePath();

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    Path home;
    Path shims;
    Path prefix;

    Run sh(Map<String, String> extra, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("HOME", home.toString());
        env.put("PATH", prefix.resolve("bin") + ":" + shims + ":/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.putAll(extra);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("did not finish within 180 s: " + String.join(" ", cmd));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    Run sh(String... cmd) throws Exception {
        return sh(Map.of(), cmd);
    }

    /** ocs as a shell finds it on the test's PATH (Java would look it up on its own PATH instead). */
    Run ocs(Map<String, String> extra, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec ocs \"$@\"", "ocs"));
        cmd.addAll(List.of(args));
        return sh(extra, cmd.toArray(String[]::new));
    }

    @Test
    void theArchiveInstallsRunsUpgradesAndUninstalls(@TempDir Path tmp) throws Exception {
        String version = System.getProperty("ocs.version");
        Path archive = ROOT.resolve("target/ocs-" + version + ".tar.gz");
        assertTrue(Files.isRegularFile(archive), "the release archive " + archive + " (made by mvn package)");
        home = Files.createDirectories(tmp.resolve("home"));
        shims = Files.createDirectories(tmp.resolve("shims"));
        prefix = tmp.resolve("prefix");
        Path mvnCalled = tmp.resolve("mvn-called");
        Path mvn = shims.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"$@\" >> '" + mvnCalled + "'\necho 'mvn is not here' >&2\nexit 1\n");
        mvn.toFile().setExecutable(true);

        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        assertEquals(0, sh("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).code());
        Path install = unpacked.resolve("ocs-" + version + "/install.sh");
        // Installed from a shell whose PATH does not hold the prefix yet: it says what to add.
        Run installed = sh(Map.of("PATH", shims + ":/usr/local/bin:/usr/bin:/bin"), "bash", install.toString(),
                "--prefix", prefix.toString());
        assertEquals(0, installed.code(), installed.toString());
        assertTrue(installed.out().startsWith("ocs " + version + " installed in " + prefix), installed.toString());
        assertTrue(installed.out().contains("export PATH=\"" + prefix.resolve("bin")), "the PATH hint: " + installed);
        // The unpacked archive can go: the install stands on its own.
        sh("rm", "-rf", unpacked.toString());

        Run v = ocs(Map.of(), "--version");
        assertEquals(0, v.code(), v.toString());
        assertTrue(v.out().startsWith("ocs " + version + " (commit "), v.toString());

        OpencodeServer server = RealServer.server();
        Map<String, String> conn = new HashMap<>(server.env());
        Run check = ocs(conn, "serve-check");
        assertEquals(0, check.code(), check.toString());
        String sid = RealServer.session("hello from the installed ocs", null);
        RealServer.awaitIdle(sid);
        Run inspect = ocs(conn, "inspect", sid);
        assertEquals(0, inspect.code(), inspect.toString());
        assertTrue(inspect.out().contains("hello from the installed ocs"), inspect.toString());
        Run json = ocs(conn, "inspect", "--json", sid);
        assertEquals(0, json.code(), json.toString());

        Run man = sh(Map.of("MANPAGER", "cat", "MANWIDTH", "100"), "man", "-l",
                prefix.resolve("share/man/man1/ocs-inspect.1").toString());
        assertEquals(0, man.code(), man.toString());
        assertTrue(man.out().contains("ocs-inspect - ") && man.out().contains("--last"), man.toString());
        for (String page : List.of("ocs", "ocs-answer", "ocs-send", "ocs-watch")) {
            assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/" + page + ".1")), page);
        }

        Run completion = sh("bash", "-c", "source '" + prefix.resolve("share/bash-completion/completions/ocs")
                + "' && complete -p ocs");
        assertEquals(0, completion.code(), completion.toString());
        assertTrue(completion.out().contains(" -F _complete_ocs") && completion.out().strip().endsWith(" ocs"),
                completion.toString());

        // An older install under it: another version, and a file of its own that the new one no longer has.
        Path home2 = prefix.resolve("lib/ocs");
        Files.writeString(home2.resolve("VERSION"), "0.1.0\n");
        Files.writeString(prefix.resolve("share/man/man1/ocs-gone.1"), "old page\n");
        Files.writeString(home2.resolve("installed-files"), "share/man/man1/ocs-gone.1\n", java.nio.file.StandardOpenOption.APPEND);
        Files.createDirectories(unpacked);
        assertEquals(0, sh("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).code());
        Run upgraded = sh("bash", install.toString(), "--prefix", prefix.toString());
        assertEquals(0, upgraded.code(), upgraded.toString());
        assertTrue(upgraded.out().startsWith("ocs 0.1.0 upgraded to " + version + " in " + prefix), upgraded.toString());
        assertFalse(Files.exists(prefix.resolve("share/man/man1/ocs-gone.1")), "the old version's file is gone");
        assertEquals(0, ocs(conn, "serve-check").code());

        Run removed = sh("bash", install.toString(), "--uninstall", "--prefix", prefix.toString());
        assertEquals(0, removed.code(), removed.toString());
        assertTrue(removed.out().startsWith("ocs " + version + " removed from " + prefix), removed.toString());
        List<String> left = new ArrayList<>();
        try (Stream<Path> s = Files.walk(prefix)) {
            s.filter(p -> !p.equals(prefix)).forEach(p -> left.add(prefix.relativize(p).toString()));
        }
        assertEquals(List.of(), left, "nothing is left in the prefix");
        Path cache = home.resolve(".cache/ocs/cds");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> s = Files.list(cache)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("prefix_lib_ocs")),
                        "the install's class archives are gone from " + cache);
            }
        }
        Run again = sh("bash", install.toString(), "--uninstall", "--prefix", prefix.toString());
        assertEquals(1, again.code(), "nothing to uninstall: " + again);
        assertFalse(Files.exists(mvnCalled), "Maven was never called: " + (Files.exists(mvnCalled)
                ? Files.readString(mvnCalled) : ""));
    }

    @Test
    void withoutJava17ItSaysHowToGetOne(@TempDir Path tmp) throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        shims = Files.createDirectories(tmp.resolve("shims"));
        prefix = tmp.resolve("prefix");
        Path java = shims.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n");
        java.toFile().setExecutable(true);
        Run r = sh(Map.of("JAVA_HOME", shims.getParent().toString() + "/nojdk"), "bash",
                ROOT.resolve("scripts/install").toString(), "--prefix", prefix.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("ocs needs Java 17 or newer") && r.err().contains("this one is 11"), r.toString());
        assertTrue(r.err().contains("https://adoptium.net"), r.toString());
        assertFalse(Files.exists(prefix), "nothing installed");
    }
}

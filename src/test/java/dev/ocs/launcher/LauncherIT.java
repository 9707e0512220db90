package dev.ocs.launcher;

import dev.ocs.bench.SessionServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The launcher, scripts/ocs, run as a user runs it (after the jar is built): the same output with its class
 * archive off, not yet made, made, corrupted, and on another JDK; through a symlink, from another directory.
 */
class LauncherIT {
    static final Path ROOT = Path.of(System.getProperty("ocs.root", ".")).toAbsolutePath();
    static final Path LAUNCHER = ROOT.resolve("scripts/ocs");
    static SessionServer server;
    static Path session;

    @BeforeAll
    static void serve() throws IOException {
        session = Files.createTempFile("ses_launcher", ".messages.json");
        SessionServer.generate(session, "ses_launcher", 30);
        server = new SessionServer("launcher-pw");
        server.add("ses_launcher", session);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        Files.deleteIfExists(session);
    }

    record Run(int code, String out, String err) {}

    static Run run(Path launcher, Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("OCS_URL", server.url());
        pb.environment().put("OPENCODE_SERVER_PASSWORD", "launcher-pw");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("ocs-out", ".txt");
        Path err = Files.createTempFile("ocs-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the launcher did not finish: " + cmd);
        }
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    static List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("ocs-jdk\\d+-.*\\.(jsa|aot)")).toList();
        }
    }

    static void awaitArchive(Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(dir)) {
                boolean training = s.anyMatch(p -> p.getFileName().toString().endsWith(".training"));
                if (!training && !archives(dir).isEmpty()) return;
            }
            Thread.sleep(200);
        }
        fail("no class archive made in " + dir + " within 120 s");
    }

    void sameOutputInEveryArchiveState(Map<String, String> jdk, Path dir) throws Exception {
        Map<String, String> off = new java.util.HashMap<>(jdk);
        off.put("OCS_CLASS_ARCHIVE", "off");
        Map<String, String> on = new java.util.HashMap<>(jdk);
        on.put("OCS_ARCHIVE_DIR", dir.toString());
        String[] inspect = {"inspect", "ses_launcher", "--json"};
        Run plain = run(LAUNCHER, ROOT, off, inspect);
        assertEquals(0, plain.code(), plain.toString());
        assertTrue(plain.out().contains("\"id\": \"ses_launcher\""), plain.out());

        Run first = run(LAUNCHER, ROOT, on, inspect);           // no archive yet: runs without, makes one aside
        assertEquals(plain, first, "first run, archive being made");
        awaitArchive(dir);
        Run archived = run(LAUNCHER, ROOT, on, inspect);
        assertEquals(plain, archived, "with the archive");
        assertEquals("shared objects file", inspectCommandSource(on, dir), "the archive is used, not only made");
        assertTrue(inspectCommandSource(off, dir).startsWith("file:"), "without it, classes come from the jar");

        for (Path a : archives(dir)) {                           // a damaged archive: the JVM ignores it
            a.toFile().setWritable(true);
            Files.write(a, "not an archive".getBytes(StandardCharsets.US_ASCII));
        }
        Run damaged = run(LAUNCHER, ROOT, on, inspect);
        assertEquals(plain.code(), damaged.code(), damaged.toString());
        assertEquals(plain.out(), damaged.out(), "stdout unchanged with a damaged archive");

        Run missing = run(LAUNCHER, ROOT, on, "inspect", "ses_doesnotexist");
        assertEquals(5, missing.code(), missing.toString());
        assertEquals("", missing.out());
    }

    /** Where the JVM took the class of the inspect command from, as its class+load log says. */
    static String inspectCommandSource(Map<String, String> env, Path dir) throws Exception {
        Path log = dir.resolve("class-load.log");
        Map<String, String> logged = new java.util.HashMap<>(env);
        logged.put("JAVA_OPTS", "-Xlog:class+load:file=" + log);
        Run r = run(LAUNCHER, ROOT, logged, "inspect", "ses_launcher", "--json");
        assertEquals(0, r.code(), r.toString());
        String line = Files.readAllLines(log).stream().filter(l -> l.contains(" dev.ocs.cli.InspectCommand source: "))
                .findFirst().orElseThrow(() -> new AssertionError("InspectCommand not in the class log"));
        Files.delete(log);
        return line.substring(line.indexOf(" source: ") + 9);
    }

    @Test
    void defaultJdkSameOutputWithTheArchiveOffMissingMadeAndDamaged(@TempDir Path dir) throws Exception {
        sameOutputInEveryArchiveState(Map.of(), dir);
        assertTrue(archives(dir).stream().allMatch(p -> p.getFileName().toString().endsWith(".jsa")
                || p.getFileName().toString().endsWith(".aot")), archives(dir).toString());
    }

    static Path jdk25() {
        return Stream.of(System.getenv("JAVA25_HOME"), "/usr/lib/jvm/temurin-25-jdk-amd64")
                .filter(p -> p != null && Files.isExecutable(Path.of(p, "bin", "java"))).map(Path::of).findFirst()
                .orElseThrow(() -> new AssertionError("no JDK 25 found: set JAVA25_HOME to run the launcher on it"));
    }

    @Test
    void jdk25GetsItsOwnAotCache(@TempDir Path dir) throws Exception {
        Path jdk = jdk25();
        sameOutputInEveryArchiveState(Map.of("JAVA_HOME", jdk.toString()), dir);
        assertTrue(archives(dir).stream().allMatch(p -> p.getFileName().toString().matches("ocs-jdk25-.*\\.aot")),
                "an AOT cache for JDK 25: " + archives(dir));
    }

    /** A copy of the launcher and the jar in a folder of their own, with no sources: its jar can be touched freely. */
    static Path installedCopy(Path tmp) throws IOException {
        Path launcher = tmp.resolve("ocs-copy/scripts/ocs");
        Path jar = tmp.resolve("ocs-copy/target/ocs.jar");
        Files.createDirectories(launcher.getParent());
        Files.createDirectories(jar.getParent());
        Files.copy(LAUNCHER, launcher, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(ROOT.resolve("target/ocs.jar"), jar);
        return launcher;
    }

    @Test
    void anArchiveOlderThanTheJarIsNeitherUsedNorKeptButMadeAgain(@TempDir Path tmp) throws Exception {
        Path launcher = installedCopy(tmp);
        Path jar = launcher.getParent().resolveSibling("target/ocs.jar");
        Path dir = tmp.resolve("cds");
        Map<String, String> on = Map.of("OCS_ARCHIVE_DIR", dir.toString());
        String[] inspect = {"inspect", "ses_launcher", "--json"};
        Run plain = run(launcher, tmp, Map.of("OCS_CLASS_ARCHIVE", "off"), inspect);
        assertEquals(0, plain.code(), plain.toString());
        run(launcher, tmp, on, inspect);
        awaitArchive(dir);
        Path archive = archives(dir).get(0);

        // The jar is rebuilt (here: only its time moves on, to just after the archive's): the JVM would refuse the
        // old archive with a warning on stderr, so the launcher must not offer it; it runs without and makes a new one.
        java.nio.file.attribute.FileTime later = java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(archive).toMillis() + 1);
        Thread.sleep(10);
        Files.setLastModifiedTime(jar, later);
        Run stale = run(launcher, tmp, on, inspect);
        assertEquals(plain, stale, "same output and nothing on stderr with an archive older than the jar");
        awaitArchive(dir);
        assertEquals(List.of(archive), archives(dir), "one archive per JDK, made again under the same name");
        assertTrue(Files.getLastModifiedTime(archive).compareTo(later) > 0, "the new archive is newer than the jar");
        assertEquals(plain, run(launcher, tmp, on, inspect), "with the new archive");
    }

    @Test
    void aJavaOnPathIsFollowedToItsJdkEachTimeItChanges(@TempDir Path tmp) throws Exception {
        Path testJdk = Path.of(System.getProperty("java.home"));
        Path jdk25 = jdk25();
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path java = bin.resolve("java");
        Files.createSymbolicLink(java, testJdk.resolve("bin/java"));
        Map<String, String> env = new java.util.HashMap<>();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("JAVA_HOME", "");
        env.put("OCS_ARCHIVE_DIR", tmp.resolve("cds").toString());
        Run first = run(LAUNCHER, tmp, env, "--version");
        assertTrue(first.out().contains("Java " + Runtime.version().feature() + "."), first.toString());
        // The link now leads to another JDK: the remembered JDK home must not be used for it.
        Files.delete(java);
        Files.createSymbolicLink(java, jdk25.resolve("bin/java"));
        Run second = run(LAUNCHER, tmp, env, "--version");
        assertTrue(second.out().contains("Java 25"), second.toString());
        assertEquals("", second.err(), second.toString());
        // The archive trained for the second run is JDK 25's: a stale JDK home would have named it for the first.
        awaitArchive(tmp.resolve("cds"));
        String named = jdk25.toRealPath().toString().replaceAll("[^A-Za-z0-9.-]", "_") + ".aot";
        assertTrue(archives(tmp.resolve("cds")).stream().anyMatch(p -> p.getFileName().toString().startsWith("ocs-jdk25-")
                && p.getFileName().toString().endsWith(named)),
                "an AOT cache named for the JDK the link now leads to: " + archives(tmp.resolve("cds")));
        Files.delete(java);
    }

    /**
     * The launcher gives JDK 17 one compiler thread (C1 only); JAVA_OPTS that turn C2 back on need two, and the JVM
     * would refuse to start with the launcher's one. With or without the archive, JAVA_OPTS choosing the compilers
     * get the JVM's own compiler threads.
     */
    @Test
    void javaOptsThatChooseTheCompilersStillStart(@TempDir Path tmp) throws Exception {
        for (String opts : List.of("-XX:TieredStopAtLevel=4", "-XX:+TieredCompilation -XX:TieredStopAtLevel=4")) {
            for (String archive : List.of("off", "on")) {
                Run r = run(LAUNCHER, tmp, Map.of("JAVA_OPTS", opts, "OCS_CLASS_ARCHIVE", archive,
                        "OCS_ARCHIVE_DIR", tmp.resolve("cds").toString()), "serve-check");
                assertEquals(new Run(0, "up " + server.url() + " (opencode " + SessionServer.VERSION + ")\n", ""), r,
                        "JAVA_OPTS=" + opts + ", archive " + archive);
            }
        }
        awaitArchive(tmp.resolve("cds"));   // the training started above ends before its folder is deleted
    }

    @Test
    void worksThroughASymlinkFromAnyDirectory(@TempDir Path tmp) throws Exception {
        Path link = tmp.resolve("bin/ocs");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, LAUNCHER);
        Run r = run(link, tmp, Map.of("OCS_CLASS_ARCHIVE", "off"), "serve-check");
        assertEquals(0, r.code(), r.toString());
        assertEquals("up " + server.url() + " (opencode " + SessionServer.VERSION + ")\n", r.out());
        Run v = run(link, tmp, Map.of("JAVA_OPTS", "-Dx=1"), "--version");
        assertFalse(v.out().isEmpty(), v.toString());
        Files.delete(link); // a link out of the temp dir is removed here, not left for JUnit to warn about
    }

    /** JAVA_OPTS reach the JVM as written: split at blanks, never expanded as file patterns (-Xlog:gc*). */
    @Test
    void javaOptsWithAPatternCharacterReachTheJvm(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("gc.log");
        Run r = run(LAUNCHER, tmp, Map.of("JAVA_OPTS", "  -Xlog:gc*:file=" + log + "   -Dx=1 "), "--version");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.isRegularFile(log) && Files.readString(log).contains("Using "),
                "the JVM was given -Xlog:gc*: " + r);
    }
}

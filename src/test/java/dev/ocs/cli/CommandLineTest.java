package dev.ocs.cli;

import dev.ocs.ExitCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Help, version and the choice of command, with only the named command built. */
class CommandLineTest {
    Cli cli() {
        return Cli.withUrl("http://127.0.0.1:1");
    }

    @Test
    void everyCommandAnswersHelpOnStdout() {
        for (String command : OcsCommand.COMMANDS) {
            Cli.Result r = cli().run(command, "--help");
            assertEquals(ExitCode.OK, r.exitCode(), command + ": " + r);
            assertTrue(r.out().startsWith("Usage: ocs " + command), command + ": " + r.out());
            assertEquals("", r.err(), command);
        }
    }

    @Test
    void rootHelpListsEveryCommand() {
        Cli.Result r = cli().run("--help");
        assertEquals(ExitCode.OK, r.exitCode(), r.toString());
        for (String command : OcsCommand.COMMANDS) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " missing from\n" + r.out());
        }
        assertEquals(r.out(), cli().run("help").out());
    }

    @Test
    void helpOfACommandIsItsUsage() {
        assertEquals(cli().run("send", "--help").out(), cli().run("help", "send").out());
        Cli.Result r = cli().run("help", "nope");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: no command 'nope'"), r.err());
    }

    @Test
    void theCommandIsFoundAfterGlobalOptionsWhoseValueLooksLikeOne() {
        assertEquals("inspect", OcsCommand.named(new String[] {"--dir", "send", "inspect", "ses_x"}));
        assertEquals("send", OcsCommand.named(new String[] {"--url", "http://x", "-v", "send", "inspect"}));
        assertEquals(null, OcsCommand.named(new String[] {"--", "send"}));
        Cli.Result r = cli().run("--dir", "send", "inspect", "--help");
        assertTrue(r.out().startsWith("Usage: ocs inspect"), r.toString());
    }

    @Test
    void ocsMcpPassesItsGlobalOptionsToEveryCall() {
        assertEquals(java.util.List.of("--server", "mcp", "-v", "--url", "http://x"), McpCommand.globalArgs(
                new String[] {"--server", "mcp", "-v", "mcp", "--json", "--url", "http://x"}));
    }

    @Test
    void briefGoesWithWaitAndJson() {
        for (String[] args : new String[][] {{"send", "--brief", "--wait", "hi"}, {"send", "--brief", "--json", "hi"}}) {
            Cli.Result r = cli().run(args);
            assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("ocs: --brief goes with --wait --json"), r.err());
        }
    }

    @Test
    void unknownCommandsAndNoCommandAreUsageErrors() {
        Cli.Result r = cli().run("bogus");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: no command 'bogus'; the commands: inspect, send,"), r.err());
        Cli.Result typo = cli().run("inspct", "ses_a");
        assertTrue(typo.err().startsWith("ocs: no command 'inspct'; did you mean inspect? "), typo.err());
        Cli.Result none = cli().run();
        assertEquals(ExitCode.USAGE, none.exitCode(), none.toString());
        assertTrue(none.err().startsWith("ocs: no command given: ocs COMMAND"), none.toString());
    }

    /** Whatever is wrong with a command line, one line in ocs's words, exit 2: never one of picocli's own texts. */
    @Test
    void badCommandLinesAreOneLineInOcssWords() {
        java.util.Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"frobnicate"}, "ocs: no command 'frobnicate'; the commands: ");
        cases.put(new String[] {"lst"}, "ocs: no command 'lst'; did you mean list? ");
        cases.put(new String[] {"send", "--wiat", "hi"}, "ocs: unknown option '--wiat' for ocs send; did you mean --wait?");
        cases.put(new String[] {"list", "--bogus"}, "ocs: unknown option '--bogus' for ocs list (see 'ocs list --help')");
        cases.put(new String[] {"--request-timeout", "abc", "list"},
                "ocs: --request-timeout takes SECONDS (a number), not 'abc'");
        cases.put(new String[] {"list", "--limit", "x"}, "ocs: --limit takes N (a whole number), not 'x'");
        cases.put(new String[] {"send", "--timeout"}, "ocs: --timeout DURATION: the value is missing");
        cases.put(new String[] {"inspect"}, "ocs: ocs inspect needs SESSION_ID");
        cases.put(new String[] {"abort", "ses_a", "ses_b"}, "ocs: unexpected argument 'ses_b': ocs abort takes SESSION_ID");
        cases.put(new String[] {"approve", "ses_a", "--always", "--reject"},
                "ocs: these options go alone: --always, --reject; give one of them");
        cases.put(new String[] {"list", "--json", "--json"}, "ocs: --json is given more than once; give it once");
        cases.put(new String[] {"watch", "ses_a", "--timeout", "1m", "--timeout", "2m"},
                "ocs: --timeout is given more than once; give it once");
        for (java.util.Map.Entry<String[], String> c : cases.entrySet()) {
            Cli.Result r = cli().run(c.getKey());
            String what = String.join(" ", c.getKey()) + "\n" + r;
            assertEquals(ExitCode.USAGE, r.exitCode(), what);
            assertEquals(1, r.err().lines().count(), "one line: " + what);
            assertTrue(r.err().startsWith(c.getValue()), what);
            assertTrue(r.err().strip().endsWith("--help')"), "says where the usage is: " + what);
            for (String picocli : java.util.List.of("Unmatched argument", "Unknown option", "Missing required",
                    "Invalid value", "is not a double", "is not an int", "should be specified only once",
                    "mutually exclusive", "Expected parameter")) {
                assertFalse(r.err().contains(picocli), "picocli's own text '" + picocli + "': " + what);
            }
        }
    }

    @Test
    void versionNamesTheTestedOpencode() {
        Cli.Result r = cli().run("--version");
        assertEquals(ExitCode.OK, r.exitCode());
        assertTrue(r.out().matches("ocs \\d+\\.\\d+\\.\\d+ \\(commit ([0-9a-f]{10}( with changes)?|unknown), tested with "
                + "opencode \\d+\\.\\d+\\.\\d+, Java .*\\)\\n"), r.out());
    }
}

package dev.ocs.cli;

import dev.ocs.ExitCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void unknownCommandsAndNoCommandAreUsageErrors() {
        Cli.Result r = cli().run("bogus");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("ocs: "), r.err());
        Cli.Result none = cli().run();
        assertEquals(ExitCode.USAGE, none.exitCode(), none.toString());
        assertTrue(none.err().contains("missing command"), none.toString());
    }

    @Test
    void versionNamesTheTestedOpencode() {
        Cli.Result r = cli().run("--version");
        assertEquals(ExitCode.OK, r.exitCode());
        assertTrue(r.out().matches("ocs \\S+ \\(tested with opencode \\d+\\.\\d+\\.\\d+, Java .*\\)\\n"), r.out());
    }
}

package dev.ocs.cli;

import dev.ocs.ExitCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The completion scripts: bash sources them and completes ocs's commands and options. */
class CompletionTest {
    static final String OCS = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
            + System.getProperty("java.class.path") + "' dev.ocs.Main";

    record Run(int exit, String out, String err) {}

    static Run bash(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not end");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void bashSourcesTheScriptAndRegistersTheCompletion() throws Exception {
        Run r = bash("source <(" + OCS + " completion bash) && complete -p ocs");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("complete -o default -F _complete_ocs ocs\n", r.out(), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void theScriptCompletesCommandsAndTheirOptions() throws Exception {
        String complete = "source <(" + OCS + " completion bash) 2>/dev/null; "
                + "COMP_WORDS=(ocs wa); COMP_CWORD=1; COMP_LINE='ocs wa'; COMP_POINT=6; _complete_ocs 2>/dev/null; "
                + "echo \"1:${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(ocs de); COMP_CWORD=1; COMP_LINE='ocs de'; COMP_POINT=6; _complete_ocs 2>/dev/null; "
                + "echo \"4:${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(ocs export --fo); COMP_CWORD=2; COMP_LINE='ocs export --fo'; COMP_POINT=15; _complete_ocs 2>/dev/null; "
                + "echo \"5:${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(ocs list --bu); COMP_CWORD=2; COMP_LINE='ocs list --bu'; COMP_POINT=13; _complete_ocs 2>/dev/null; "
                + "echo \"2:${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(ocs doctor --pr); COMP_CWORD=2; COMP_LINE='ocs doctor --pr'; COMP_POINT=15; _complete_ocs 2>/dev/null; "
                + "echo \"3:${COMPREPLY[*]}\"";
        Run r = bash(complete);
        assertTrue(r.out().contains("1:wait watch\n"), r.toString());
        assertTrue(r.out().contains("4:delete\n"), r.toString());
        assertTrue(r.out().contains("5:--format\n"), r.toString());
        assertTrue(r.out().contains("2:--busy"), r.toString());
        assertTrue(r.out().contains("3:--probe"), r.toString());
    }

    @Test
    void zshGetsTheSameScriptWhichTurnsOnBashcompinitItself() {
        Cli.Result bash = Cli.withUrl("http://127.0.0.1:9").run("completion", "bash");
        Cli.Result zsh = Cli.withUrl("http://127.0.0.1:9").run("completion", "zsh");
        assertEquals(ExitCode.OK, zsh.exitCode(), zsh.toString());
        assertTrue(zsh.out().startsWith("# zsh completion for ocs"), zsh.out());
        assertTrue(zsh.out().contains("bashcompinit"), "zsh needs bashcompinit for the bash script");
        assertTrue(zsh.out().endsWith(bash.out()), "the same script");
        Cli.Result fish = Cli.withUrl("http://127.0.0.1:9").run("completion", "fish");
        assertEquals(ExitCode.USAGE, fish.exitCode(), fish.toString());
        assertTrue(fish.err().startsWith("ocs: "), fish.err());
    }
}

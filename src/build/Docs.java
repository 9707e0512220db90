import dev.ocs.cli.OcsCommand;
import dev.ocs.cli.Services;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Build step (pom.xml, package phase, with -Docs.dist.skip=false, the default): from ocs's own command model, the
 * AsciiDoc man pages (picocli-codegen's ManPageGenerator: one page per command, which asciidoctor's manpage
 * backend then turns into roff) and the bash and zsh completion scripts, as {@code ocs completion} prints them.
 * Runs with the classes just compiled and picocli-codegen on its class path; none of it goes into the jar.
 * Usage: {@code java -cp … Docs.java ADOC_DIR COMPLETION_DIR}. Prints nothing unless it fails.
 */
public class Docs {
    public static void main(String[] args) throws Exception {
        Path adoc = Path.of(args[0]);
        Path completion = Path.of(args[1]);
        Files.createDirectories(adoc);
        Files.createDirectories(completion);
        CommandLine all = OcsCommand.commandLine(services(OutputStream.nullOutputStream()), "help");
        int rc = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], false, all.getCommandSpec());
        if (rc != 0) {
            throw new IllegalStateException("ManPageGenerator ended with " + rc);
        }
        for (String[] shell : new String[][] {{"bash", "ocs.bash"}, {"zsh", "ocs.zsh"}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = OcsCommand.run(services(out), "completion", shell[0]);
            if (code != 0 || out.size() == 0) {
                throw new IllegalStateException("ocs completion " + shell[0] + " ended with " + code);
            }
            Files.write(completion.resolve(shell[1]), out.toByteArray());
        }
    }

    private static Services services(OutputStream out) {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return new Services(Map.of(), out, err, new ByteArrayInputStream(new byte[0]), false, false);
    }
}

package dev.ocs.cli;

import dev.ocs.ExitCode;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "completion", sortOptions = false,
        description = {"Print a shell completion script for bash or zsh.",
                "bash: source <(ocs completion bash)   (or save it to ~/.local/share/bash-completion/completions/ocs)",
                "zsh:  source <(ocs completion zsh)    (in ~/.zshrc; it turns on bashcompinit itself)"})
public final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Spec
    CommandSpec spec;

    private final Services services;

    CompletionCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        // picocli's script serves both shells: under zsh it loads compinit and bashcompinit itself.
        String script = AutoComplete.bash("ocs", spec.root().commandLine());
        if (shell == Shell.zsh) {
            script = "# zsh completion for ocs: the bash script below, which under zsh loads bashcompinit itself\n"
                    + script;
        }
        services.out().print(script);
        if (!script.endsWith("\n")) {
            services.out().println();
        }
        services.out().flush();
        return ExitCode.OK;
    }
}

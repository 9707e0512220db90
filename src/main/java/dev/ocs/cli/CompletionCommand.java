package dev.ocs.cli;

import dev.ocs.ExitCode;
import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.concurrent.Callable;

public final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    private Shell shell;

    private final Services services;
    final CommandSpec spec;

    CompletionCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "completion", false, "Print a shell completion script for bash or zsh.",
                "bash: source <(ocs completion bash)   (or save it to ~/.local/share/bash-completion/completions/ocs)",
                "zsh:  source <(ocs completion zsh)    (in ~/.zshrc; it turns on bashcompinit itself)");
        a.positional(Shell.class, v -> shell = v, PositionalParamSpec.builder().index("0").paramLabel("SHELL")
                .description("bash or zsh."));
        spec = a.spec();
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

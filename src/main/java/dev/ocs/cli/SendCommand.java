package dev.ocs.cli;

import dev.ocs.api.Api;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.events.EventFeed;
import dev.ocs.run.Prompts;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

public final class SendCommand implements Callable<Integer> {
    private String prompt;
    private Path file;
    private String session;
    private String model;
    private String agent;
    private String title;
    private final WaitOptions waitOptions = new WaitOptions();

    private final Services services;
    final CommandSpec spec;

    SendCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "send", false,
                "Send a prompt: to a new session (printing its id), or to an existing one with -s.",
                "With --wait, follow the run and print the answer; the exit code is inspect's.");
        a.positional(String.class, v -> prompt = v, PositionalParamSpec.builder().index("0").arity("0..1")
                .paramLabel("PROMPT").description("The prompt; '-' reads it from standard input."));
        a.option(Path.class, v -> file = v, OptionSpec.builder("-f", "--file").paramLabel("PATH")
                .description("Read the prompt from a file."));
        a.option(String.class, v -> session = v, OptionSpec.builder("-s", "--session").paramLabel("SID")
                .description("Continue this session."));
        a.option(String.class, v -> model = v, OptionSpec.builder("-m", "--model").paramLabel("PROVIDER/MODEL")
                .description("The model for this prompt."));
        a.option(String.class, v -> agent = v, OptionSpec.builder("--agent").paramLabel("NAME")
                .description("The agent (build, plan, …)."));
        a.option(String.class, v -> title = v, OptionSpec.builder("--title").paramLabel("TEXT")
                .description("Title of the new session."));
        waitOptions.addTo(a);
        spec = a.spec();
    }

    @Override
    public Integer call() throws InterruptedException {
        String[] providerModel = splitModel(model);
        if (session != null) {
            Ids.session(session);
        }
        Duration limit = waitOptions.validate(services.json());
        String text = promptText();

        Api client = services.api();
        Prompts prompts = new Prompts(client);
        String sid;
        String before = null;
        if (session != null) {
            sid = session;
            new Sessions(client).info(sid);
            before = prompts.newestMessageId(sid);
        } else {
            sid = prompts.create(title);
        }
        if (!waitOptions.waiting()) {
            prompts.send(sid, text, providerModel[0], providerModel[1], agent);
            prompts.confirm(sid, before);
            if (services.json()) {
                Output.json(services.out(), Map.of("sessionID", sid));
            } else {
                services.out().println(sid);
            }
            return ExitCode.OK;
        }
        try (EventFeed feed = new EventFeed(client).start()) {
            // named before the prompt goes: a wait stopped during the send still knows which session to abort
            services.err().println("session " + sid);
            services.err().flush();
            prompts.send(sid, text, providerModel[0], providerModel[1], agent);
            prompts.confirm(sid, before);
            return new Follow(services, waitOptions, limit).run(feed, sid, before);
        }
    }

    static String[] splitModel(String model) {
        if (model == null) {
            return new String[] {null, null};
        }
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1) {
            throw OcsException.usage("-m must be PROVIDER/MODEL (e.g. anthropic/claude-sonnet-4), got '" + model + "'");
        }
        return new String[] {model.substring(0, slash), model.substring(slash + 1)};
    }

    private String promptText() {
        if (prompt != null && file != null) {
            throw OcsException.usage("give the prompt as an argument or with -f, not both");
        }
        String text;
        if (file != null) {
            try {
                text = utf8(Files.readAllBytes(file), "-f " + file);
            } catch (NoSuchFileException e) {
                throw OcsException.usage("-f " + file + ": no such file");
            } catch (IOException e) {
                throw OcsException.usage("-f " + file + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        } else if ("-".equals(prompt)) {
            try (InputStream in = services.in()) {
                text = utf8(in.readAllBytes(), "standard input");
            } catch (IOException e) {
                throw OcsException.usage("cannot read the prompt from standard input: " + e.getMessage());
            }
        } else if (prompt == null) {
            throw OcsException.usage("no prompt: give it as an argument, with -f FILE, or '-' for standard input");
        } else {
            text = prompt;
        }
        if (text.isBlank()) {
            throw OcsException.usage("the prompt is empty");
        }
        return text;
    }

    private static String utf8(byte[] bytes, String from) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw OcsException.usage("the prompt from " + from + " is not UTF-8 text");
        }
    }
}

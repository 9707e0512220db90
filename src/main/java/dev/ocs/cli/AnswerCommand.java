package dev.ocs.cli;

import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.events.EventFeed;
import dev.ocs.run.Answers;
import dev.ocs.run.Answers.Given;
import dev.ocs.run.Prompts;
import dev.ocs.session.Question;
import dev.ocs.session.Sessions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

public final class AnswerCommand implements Callable<Integer> {
    private String sessionId;
    private String requestId;
    private boolean reject;
    /** What was given for each question, in order: a new group at each --next. */
    private final List<List<Given>> groups = new ArrayList<>(List.of(new ArrayList<>()));
    private final WaitOptions waitOptions = new WaitOptions();

    private final Services services;
    private final Args args;
    final CommandSpec spec;

    AnswerCommand(Services services) {
        this.services = services;
        args = new Args(this, "answer", false,
                "Answer a session's pending question (the model's question tool): pick options by label, or give "
                        + "your own words, or decline it.",
                "Exit 0 answered, 5 nothing pending, 2 several pending and no id, or an answer the question does "
                        + "not take (the options are listed).",
                "With --wait, follow the run it resumes and print the answer, as send --wait does.");
        args.allowRepeats("--option", "--text", "--next");
        args.positional(String.class, v -> sessionId = v, PositionalParamSpec.builder().index("0")
                .paramLabel("SESSION_ID").description("The session (ses_…)."));
        args.positional(String.class, v -> requestId = v, PositionalParamSpec.builder().index("1").arity("0..1")
                .paramLabel("REQUEST_ID").description("The request (que_…); may be left out when only one is pending."));
        args.option(String.class, v -> current().add(Given.option(v)), OptionSpec.builder("-o", "--option")
                .paramLabel("LABEL").description("Choose the option with this label (any case; the start of it is "
                        + "enough). Repeat it where the question takes several."));
        args.option(String.class, v -> current().add(Given.text(v)), OptionSpec.builder("-t", "--text")
                .paramLabel("TEXT").description("An answer in your own words."));
        args.flag(v -> groups.add(new ArrayList<>()), OptionSpec.builder("--next")
                .description("What follows answers the request's next question."));
        args.flag(v -> reject = v, OptionSpec.builder("--reject").description("Decline the question; the run "
                + "goes on without an answer (usually it stops)."));
        waitOptions.addTo(args);
        spec = args.spec();
    }

    private List<Given> current() {
        return groups.get(groups.size() - 1);
    }

    @Override
    public Integer call() throws InterruptedException {
        args.checkRepeats();
        String sid = Ids.session(sessionId);
        if (requestId != null) {
            Ids.question(requestId);
        }
        Duration limit = waitOptions.validate(services.json());
        boolean given = groups.size() > 1 || !groups.get(0).isEmpty();
        if (reject && given) {
            throw OcsException.usage("--reject declines the question: give it without --option, --text or --next");
        }
        Api api = services.api();
        Sessions sessions = new Sessions(api);
        sessions.info(sid);
        Question q = chosen(sessions, api, sid);
        List<List<String>> answers = null;
        if (!reject) {
            if (!given) {
                for (Question.Item item : q.questions()) {
                    services.err().println("  " + Answers.describe(item));
                }
                throw OcsException.usage("give the answer: --option LABEL or --text TEXT (with --next between the "
                        + "answers of several questions), or --reject to decline " + q.id());
            }
            answers = Answers.resolve(q, groups);
        }
        if (!waitOptions.waiting()) {
            send(api, q, sid, answers, services.json() ? null : services.out());
            if (services.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("sessionID", sid);
                doc.put("id", q.id());
                doc.put("rejected", reject);
                doc.put("answers", answers == null ? List.of() : answers);
                Output.json(services.out(), doc);
            }
            return ExitCode.OK;
        }
        // Follow the run the answer resumes: the report covers the turn from its user message on.
        String before = new Prompts(api).turnStart(sid);
        try (EventFeed feed = new EventFeed(api).start()) {
            send(api, q, sid, answers, services.err());
            return new Follow(services, waitOptions, limit).run(feed, sid, before);
        }
    }

    /** The request to answer: the one named, or the session's only one. */
    private Question chosen(Sessions sessions, Api api, String sid) {
        List<Question> pending = sessions.questionsOrNull(sid);
        if (pending == null) {
            throw new OcsException(ExitCode.SERVER_ERROR, api.describe() + " has no questions to answer (no "
                    + "GET /question: the question tool came later)");
        }
        if (requestId != null) {
            for (Question q : pending) {
                if (requestId.equals(q.id())) {
                    return q;
                }
            }
            throw OcsException.notFound("question " + requestId + " is not pending for " + sid
                    + (pending.isEmpty() ? "" : "; pending: " + ids(pending)));
        }
        if (pending.isEmpty()) {
            throw OcsException.notFound("no pending question for " + sid);
        }
        if (pending.size() > 1) {
            for (Question q : pending) {
                services.err().println("  " + q.id() + "  " + q.summary());
            }
            throw OcsException.usage(pending.size() + " questions are pending for " + sid + ": name one ("
                    + services.ocsCommand() + " answer " + sid + " que_… --option …)");
        }
        return pending.get(0);
    }

    private static void send(Api api, Question q, String sid, List<List<String>> answers, PrintWriter say) {
        boolean done = answers == null ? api.rejectQuestion(q.id()) : api.replyQuestion(q.id(), answers);
        if (!done) {
            throw OcsException.notFound("question " + q.id() + " is no longer pending for " + sid
                    + " (answered meanwhile?)");
        }
        if (say != null) {
            if (answers == null) {
                say.println("declined " + q.id());
            } else {
                say.println("answered " + q.id() + ": " + Answers.text(answers));
            }
            say.flush();
        }
    }

    private static String ids(List<Question> qs) {
        List<String> ids = new ArrayList<>();
        qs.forEach(q -> ids.add(q.id()));
        return String.join(", ", ids);
    }
}

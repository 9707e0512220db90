package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.Ids;
import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.http.OpencodeClient;
import dev.ocs.session.SessionInfo;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;
import dev.ocs.session.Style;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

public final class DeleteCommand implements Callable<Integer> {
    private final List<String> ids = new ArrayList<>();
    private boolean yes;
    private boolean force;

    private final Services services;
    final CommandSpec spec;

    DeleteCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "delete", false, "Delete sessions, with their child sessions. Every id is checked "
                + "first: if one does not exist, or one is busy (without --force), nothing is deleted.",
                "Asks on a terminal unless --yes; elsewhere --yes is required.",
                "Exit 0 deleted, 1 not confirmed, 2 not confirmed by --yes or a session busy without --force, "
                        + "5 no such session.");
        a.positionals(ids::addAll, PositionalParamSpec.builder().index("0..*")
                .paramLabel("SESSION_ID").description("The sessions (ses_…)."));
        a.flag(v -> yes = v, OptionSpec.builder("-y", "--yes").description("Do not ask: delete them."));
        a.flag(v -> force = v, OptionSpec.builder("--force")
                .description("Delete busy sessions too (their runs are aborted first)."));
        spec = a.spec();
    }

    @Override
    public Integer call() {
        LinkedHashSet<String> sids = new LinkedHashSet<>();
        for (String id : ids) {
            sids.add(Ids.session(id));
        }
        Api api = services.api();
        Sessions sessions = new Sessions(api);
        Map<String, SessionInfo> infos = sessions.infos(List.copyOf(sids), "nothing deleted");
        Map<String, Status> status = sessions.statuses(sids);
        List<String> busy = new ArrayList<>();
        status.forEach((sid, st) -> {
            if (!st.idle()) {
                busy.add(sid + " (" + st.type() + ")");
            }
        });
        if (!busy.isEmpty() && !force) {
            throw OcsException.usage(String.join(", ", busy) + (busy.size() == 1 ? " is" : " are")
                    + " running; deleting stops the run: abort it first ('" + services.ocsCommand() + " abort …') "
                    + "or add --force; nothing deleted");
        }
        if (!yes && !confirm(api, infos)) {
            services.err().println("ocs: nothing deleted");
            return ExitCode.FINDING;
        }
        for (String sid : sids) {
            if (!status.get(sid).idle()) {
                api.abort(sid);
            }
            // false: already gone, with a parent deleted just before (opencode deletes the children too)
            api.deleteSession(sid);
            if (!services.json()) {
                services.out().println("deleted " + sid);
            }
        }
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("deleted", new ArrayList<>(sids));
            Output.json(services.out(), doc);
        }
        return ExitCode.OK;
    }

    /** On a terminal, asks (on stderr, the answer from stdin); elsewhere, without --yes, refuses. */
    private boolean confirm(Api api, Map<String, SessionInfo> infos) {
        if (!services.errIsTty()) {
            throw OcsException.usage("not deleting without a confirmation: add --yes (nothing deleted)");
        }
        Style style = new Style(services.colorErr());
        services.err().println("Delete " + infos.size() + " session" + (infos.size() == 1 ? "" : "s") + "?");
        for (SessionInfo si : infos.values()) {
            JsonNode children = api.children(si.id());
            int n = children == null || !children.isArray() ? 0 : children.size();
            services.err().println("  " + si.id() + "  " + style.clean(si.title() == null ? "(no title)"
                    : OpencodeClient.oneLine(si.title(), 60)) + (n == 0 ? "" : "  (and " + n + " child session"
                    + (n == 1 ? "" : "s") + ")"));
        }
        services.err().print("[y/N] ");
        services.err().flush();
        try {
            String line = new BufferedReader(new InputStreamReader(services.in(), StandardCharsets.UTF_8)).readLine();
            String answer = line == null ? "" : line.strip().toLowerCase(Locale.ROOT);
            return answer.equals("y") || answer.equals("yes");
        } catch (IOException e) {
            return false;
        }
    }
}

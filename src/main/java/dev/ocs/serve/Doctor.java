package dev.ocs.serve;

import dev.ocs.api.Api;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.OcsException;
import dev.ocs.events.EventFeed;
import dev.ocs.http.Connection;
import dev.ocs.http.Json;
import dev.ocs.http.OpencodeClient;
import dev.ocs.http.ProxyEnv;
import dev.ocs.run.Prompts;
import dev.ocs.run.StatusLine;
import dev.ocs.run.AnswerRenderer;
import dev.ocs.run.Follower;
import dev.ocs.session.Diagnosis;
import dev.ocs.session.Finding;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Report;
import dev.ocs.session.ReportView;
import dev.ocs.session.Sessions;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Checks a setup end to end, each check {@code ok}, {@code warn} or {@code fail} with what to do: the server
 * answers, the credentials are accepted, its version, proxy variables, the configured providers and default model,
 * and, when asked, a tiny prompt followed to its end. Checks that need an answering server with accepted credentials
 * are left out when it does not answer or rejects them.
 */
public final class Doctor {
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    public static final int PROBE_MAX_RETRIES = 1;
    public static final String PROBE_PROMPT = "ocs doctor probe: reply with the single word ok.";

    public enum Level {
        OK, WARN, FAIL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Check(String name, Level status, String detail, String advice) {}

    /** What {@code --probe} asks for: a model, or null for the server's default. */
    public record Probe(String providerID, String modelID) {
        String model() {
            return providerID == null ? null : providerID + "/" + modelID;
        }
    }

    private final Api client;
    private final Map<String, String> env;
    private final List<String> testedVersions;
    private OcsException notOpencode;
    private final String testedVersion;
    private final String ocs;
    private final PrintWriter err;
    private final boolean errTty;

    /**
     * @param env           ocs's environment (for the proxy check)
     * @param testedVersions the opencode releases ocs is tested with
     * @param testedVersion  the one of them to recommend
     * @param ocs           the ocs command line for advice ("ocs", or with --url)
     * @param err           where the probe's progress line goes (only on a terminal)
     */
    public Doctor(Api client, Map<String, String> env, List<String> testedVersions, String testedVersion, String ocs, PrintWriter err,
                  boolean errTty) {
        this.client = client;
        this.env = env;
        this.testedVersions = List.copyOf(testedVersions);
        this.testedVersion = testedVersion;
        this.ocs = ocs;
        this.err = err;
        this.errTty = errTty;
    }

    /** Runs the checks in order, handing each to {@code sink} as soon as it is known. */
    public List<Check> run(Probe probe, Consumer<Check> sink) throws InterruptedException {
        List<Check> all = new ArrayList<>();
        Consumer<Check> add = c -> {
            all.add(c);
            sink.accept(c);
        };
        Connection conn = client.connection();
        String url = conn.displayUrl();
        Health h = Health.check(client, null);
        boolean ready = server(h, url, add);
        List<Provider> providers = null;
        JsonNode defaults = null;
        OcsException providersFailed = null;
        if (ready) {
            try {
                JsonNode doc = client.configProviders();
                providers = Provider.listFrom(doc);
                defaults = Json.obj(doc, "default");
            } catch (OcsException e) {
                providersFailed = e;
            }
        }
        add.accept(proxy(conn, providers));
        if (!ready) {
            return all;
        }
        if (providersFailed != null) {
            add.accept(new Check("providers", Level.FAIL, "GET /config/providers failed: " + providersFailed.getMessage(),
                    "check the server's log; its configuration may not load"));
        } else {
            add.accept(providers(providers));
        }
        String configModel = null;
        try {
            configModel = Json.text(client.config(), "model");
            add.accept(defaultModel(configModel, providers, defaults));
        } catch (OcsException e) {
            add.accept(new Check("default-model", Level.FAIL, "GET /config failed: " + e.getMessage(),
                    "check the server's log; its configuration may not load"));
        }
        if (probe != null) {
            add.accept(probe(probe, configModel));
        }
        return all;
    }

    /** Why the server is not one ocs can talk to (not opencode, or too old), or null: exit 6 after the report. */
    public OcsException notOpencode() {
        return notOpencode;
    }

    /** server, credentials, version; true when the rest can be asked. */
    private boolean server(Health h, String url, Consumer<Check> add) {
        Connection conn = client.connection();
        if (!h.up()) {
            String why = h.failure() == null ? "no answer" : h.failure().getMessage();
            int advice = why.indexOf("; is it running?");
            if (advice > 0) {
                why = why.substring(0, advice);
            }
            add.accept(new Check("server", Level.FAIL, why,
                    "start one with: " + ocs + " serve-check --start; or point --url (OCS_URL) at the running server"));
            return false;
        }
        if (h.authOk() == null) {
            notOpencode = h.failure();
            add.accept(new Check("server", Level.FAIL, url + " answered, but not as opencode does: "
                    + (h.failure() == null ? "?" : h.failure().getMessage()),
                    "check --url (OCS_URL): it must be the address of 'opencode serve'"));
            return false;
        }
        add.accept(new Check("server", Level.OK, "opencode answers at " + url, null));
        if (!h.authOk()) {
            add.accept(new Check("credentials", Level.FAIL, "rejected for user '" + conn.username()
                    + "' with the password from " + conn.passwordSource(),
                    "use the user and password the server was started with (its OPENCODE_SERVER_USERNAME and "
                            + "OPENCODE_SERVER_PASSWORD): set OPENCODE_SERVER_PASSWORD or --password-file, and -u"));
            return false;
        }
        if (h.authIgnored()) {
            add.accept(new Check("credentials", Level.WARN, "not checked: this opencode (1.0.x) takes any password",
                    "anyone who reaches " + url + " can use it: keep it on a loopback address, or upgrade"));
        } else {
            add.accept(new Check("credentials", Level.OK, "accepted for user '" + conn.username()
                    + "' (password from " + conn.passwordSource() + ")", null));
        }
        if (h.version() == null) {
            add.accept(new Check("version", Level.WARN, "v2".equals(client.generation())
                    ? "the server did not say its version (GET /api/health reports none)"
                    : "the server did not say its version",
                    "ocs is tested with opencode " + testedVersion));
        } else if (testedVersions.contains(h.version())) {
            add.accept(new Check("version", Level.OK, "opencode " + h.version() + ", a version ocs is tested with",
                    null));
        } else {
            add.accept(new Check("version", Level.WARN, "opencode " + OpencodeClient.oneLine(h.version(), 40)
                    + "; ocs is tested with " + String.join(", ", testedVersions),
                    "most things work across versions; if something looks wrong, compare with opencode "
                            + testedVersion + " (npm install -g opencode-ai@" + testedVersion + ")"));
        }
        return true;
    }

    private Check proxy(Connection conn, List<Provider> providers) {
        List<String> set = ProxyEnv.setProxyVars(env);
        if (set.isEmpty()) {
            return new Check("proxy", Level.OK, "no proxy variables set", null);
        }
        List<String> uncovered = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        String serverHost = conn.url().getHost();
        if (!ProxyEnv.noProxyCovers(env, serverHost)) {
            uncovered.add(serverHost + " (the server)");
            hosts.add(serverHost);
        }
        if (providers != null) {
            for (Provider p : providers) {
                String h = p.host();
                if (h != null && isLocal(h) && !ProxyEnv.noProxyCovers(env, h)) {
                    uncovered.add(p.endpoint() + " (provider " + p.id() + ")");
                    if (!hosts.contains(h)) {
                        hosts.add(h);
                    }
                }
            }
        }
        if (uncovered.isEmpty()) {
            return new Check("proxy", Level.OK, String.join(", ", set) + " set; NO_PROXY covers the server"
                    + (providers == null ? "" : " and the local model servers"), null);
        }
        for (String h : List.of("localhost", "127.0.0.1")) {
            if (!hosts.contains(h)) {
                hosts.add(h);
            }
        }
        return new Check("proxy", Level.WARN, String.join(", ", set) + " set in ocs's environment and NO_PROXY does "
                + "not cover " + String.join(", ", uncovered),
                "ocs never uses a proxy, but an opencode server started from this shell sends its calls to local model "
                        + "servers through it, and they fail (model-connect-failed, status retry): start the server "
                        + "with the proxy variables unset (" + ocs + " serve-check --start does), or export NO_PROXY="
                        + String.join(",", hosts));
    }

    /** Loopback, private-network and .local hosts: where a proxy cannot reach a model server. */
    static boolean isLocal(String host) {
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        if (h.equals("localhost") || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")
                || h.startsWith("127.") || h.equals("::1") || h.startsWith("10.") || h.startsWith("192.168.")
                || h.startsWith("169.254.") || h.startsWith("fd") && h.contains(":")) {
            return true;
        }
        if (h.startsWith("172.")) {
            String[] parts = h.split("\\.");
            try {
                int second = Integer.parseInt(parts[1]);
                return second >= 16 && second <= 31;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private static Check providers(List<Provider> providers) {
        if (providers.isEmpty()) {
            return new Check("providers", Level.FAIL, "no providers configured",
                    "add one to opencode.json (\"provider\") or log in to one with 'opencode auth login'");
        }
        StringBuilder sb = new StringBuilder();
        sb.append(providers.size()).append(providers.size() == 1 ? " provider: " : " providers: ");
        Iterator<Provider> it = providers.iterator();
        while (it.hasNext()) {
            Provider p = it.next();
            sb.append(p.id()).append(" (").append(p.models().size()).append(p.models().size() == 1 ? " model" : " models");
            if (p.endpoint() != null) {
                // Host and port only: a base URL can carry credentials in its user info or query.
                sb.append(", ").append(p.endpoint());
            }
            sb.append(')');
            if (it.hasNext()) {
                sb.append(", ");
            }
        }
        return new Check("providers", Level.OK, OpencodeClient.oneLine(sb.toString(), 400), null);
    }

    private static Check defaultModel(String model, List<Provider> providers, JsonNode defaults) {
        if (model == null || model.isBlank()) {
            String fallback = "";
            if (defaults != null && defaults.size() > 0) {
                Map.Entry<String, JsonNode> first = defaults.properties().iterator().next();
                fallback = " (each provider's own default, e.g. " + first.getKey() + "/" + first.getValue().asText() + ")";
            }
            return new Check("default-model", Level.WARN, "no default model in the configuration; a prompt without "
                    + "a model gets whatever opencode picks" + fallback,
                    "set \"model\": \"provider/model\" in opencode.json, or pass -m provider/model to every send");
        }
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1) {
            return new Check("default-model", Level.WARN, "the default model '" + OpencodeClient.oneLine(model, 80)
                    + "' is not provider/model", "set \"model\": \"provider/model\" in opencode.json");
        }
        String provider = model.substring(0, slash);
        String id = model.substring(slash + 1);
        if (providers == null) {
            return new Check("default-model", Level.OK, model, null);
        }
        for (Provider p : providers) {
            if (p.id().equals(provider)) {
                if (!p.models().isEmpty() && !p.modelIds().contains(id)) {
                    return new Check("default-model", Level.WARN, model + ": provider " + provider + " has no model '"
                            + OpencodeClient.oneLine(id, 80) + "' (it has " + OpencodeClient.oneLine(
                            String.join(", ", p.modelIds()), 120) + ")",
                            "fix \"model\" in opencode.json, or add the model to the provider's \"models\"");
                }
                return new Check("default-model", Level.OK, model, null);
            }
        }
        return new Check("default-model", Level.WARN, model + " names provider '" + OpencodeClient.oneLine(provider, 60)
                + "', which is not configured", "fix \"model\" in opencode.json, or configure the provider "
                + "(\"provider\" in opencode.json, or 'opencode auth login')");
    }

    /** A tiny prompt in a new session, followed to its end and diagnosed; the session is kept for inspection. */
    private Check probe(Probe probe, String configModel) throws InterruptedException {
        String target = probe.model() != null ? probe.model() : configModel != null ? configModel
                : "the server's default model";
        Prompts prompts = new Prompts(client);
        Sessions sessions = new Sessions(client);
        long start = System.nanoTime();
        String sid = null;
        try (EventFeed feed = new EventFeed(client).start()) {
            sid = prompts.create("ocs doctor probe");
            prompts.send(sid, PROBE_PROMPT, probe.providerID(), probe.modelID(), null);
            prompts.confirm(sid, null);
            StatusLine line = new StatusLine(err, errTty);
            Follower follower = new Follower(client, new Follower.Options(PROBE_TIMEOUT, Duration.ofSeconds(10),
                    PROBE_MAX_RETRIES, true, true, Follower.Policy.REJECT, Follower.Policy.REJECT),
                    new AnswerRenderer(new PrintWriter(Writer.nullWriter()), line, false, false));
            Follower.Outcome outcome = follower.follow(feed, Follower.Start.started(sid));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (outcome.end() == Follower.End.TIMEOUT || outcome.end() == Follower.End.RETRYING) {
                abort(sid);
            }
            Report report = sessions.report(sid, 0, ReadOptions.DEFAULT,
                    new Diagnosis(ocs, probe.model()).withStreamErrors(outcome.sessionErrors()), ReportView.NONE);
            if (outcome.end() == Follower.End.TIMEOUT) {
                return new Check("probe", Level.FAIL, target + " gave no answer within " + PROBE_TIMEOUT.toSeconds()
                        + " s (session " + sid + ", aborted)", "see what happened: " + ocs + " inspect " + sid);
            }
            List<Finding> findings = report.findings();
            if (!findings.isEmpty()) {
                Finding first = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).findFirst()
                        .orElse(findings.get(0));
                StringBuilder codes = new StringBuilder();
                for (Finding f : findings) {
                    codes.append(codes.length() == 0 ? "" : ", ").append(f.code());
                }
                return new Check("probe", Level.FAIL, target + ": " + OpencodeClient.oneLine(first.summary(), 200)
                        + " [" + codes + "] (session " + sid
                        + (outcome.end() == Follower.End.RETRYING ? ", aborted after " + PROBE_MAX_RETRIES + " retry" : "")
                        + ")", OpencodeClient.oneLine(first.advice(), 300) + "; details: " + ocs + " inspect " + sid);
            }
            String answer = report.finalText();
            return new Check("probe", Level.OK, target + " answered in " + String.format(Locale.ROOT, "%.1f", seconds)
                    + " s" + (answer == null ? "" : ": \"" + OpencodeClient.oneLine(answer, 60) + "\"")
                    + " (session " + sid + ")", null);
        } catch (OcsException e) {
            if (sid != null) {
                abortQuietly(sid);
            }
            return new Check("probe", Level.FAIL, "the probe could not run: " + e.getMessage(),
                    sid == null ? "check the server's log" : "see what happened: " + ocs + " inspect " + sid);
        }
    }

    private void abort(String sid) {
        client.abort(sid);
    }

    private void abortQuietly(String sid) {
        try {
            abort(sid);
        } catch (OcsException e) {
            // the failure being reported matters more
        }
    }

    /** {@code {"checks":[…], "ok": bool}}. */
    public static Map<String, Object> json(String url, List<Check> checks) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("url", url);
        List<Object> list = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("status", c.status().label());
            m.put("detail", c.detail());
            m.put("advice", c.advice());
            list.add(m);
        }
        doc.put("checks", list);
        doc.put("ok", ok(checks));
        return doc;
    }

    public static boolean ok(List<Check> checks) {
        return checks.stream().noneMatch(c -> c.status() == Level.FAIL);
    }
}

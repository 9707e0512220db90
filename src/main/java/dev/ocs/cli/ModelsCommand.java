package dev.ocs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.api.Api;
import dev.ocs.http.Json;
import dev.ocs.serve.Provider;
import dev.ocs.session.Style;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

public final class ModelsCommand implements Callable<Integer> {
    private final Services services;
    final CommandSpec spec;

    ModelsCommand(Services services) {
        this.services = services;
        Args a = new Args(this, "models", false, "The providers and models the server offers, the default marked: "
                + "what -m PROVIDER/MODEL takes.", "Base URLs are shown as host:port only, never keys.");
        spec = a.spec();
    }

    @Override
    public Integer call() {
        Api api = services.api();
        // Two small reads at once.
        CompletableFuture<JsonNode> config = CompletableFuture.supplyAsync(api::config);
        List<Provider> providers = Provider.listFrom(api.configProviders());
        String configured;
        try {
            configured = Json.text(config.join(), "model");
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (services.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("default", configured);
            List<Object> list = new ArrayList<>();
            for (Provider p : providers) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", p.id());
                entry.put("name", p.name());
                entry.put("endpoint", p.endpoint());
                List<Object> models = new ArrayList<>();
                for (Provider.Model m : p.models()) {
                    Map<String, Object> model = new LinkedHashMap<>();
                    model.put("id", m.id());
                    model.put("name", m.name());
                    model.put("default", (p.id() + "/" + m.id()).equals(configured));
                    models.add(model);
                }
                entry.put("models", models);
                list.add(entry);
            }
            doc.put("providers", list);
            Output.json(services.out(), doc);
            return ExitCode.OK;
        }
        Style style = new Style(services.colorOut());
        Table table = new Table(style).row("MODEL", "NAME", "ENDPOINT", "");
        int count = 0;
        for (Provider p : providers) {
            for (Provider.Model m : p.models()) {
                String id = p.id() + "/" + m.id();
                boolean isDefault = id.equals(configured);
                table.row(3, style::green, id, m.name() == null ? "" : m.name(),
                        p.endpoint() == null ? "-" : p.endpoint(), isDefault ? "default" : "");
                count++;
            }
        }
        table.print(services.out());
        services.err().println("ocs: " + count + " model" + (count == 1 ? "" : "s") + " from " + providers.size()
                + " provider" + (providers.size() == 1 ? "" : "s") + (configured == null
                ? "; no default model configured (set \"model\" in opencode.json)" : "; default " + configured));
        return ExitCode.OK;
    }
}

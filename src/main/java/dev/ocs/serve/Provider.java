package dev.ocs.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.Json;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A model provider as {@code GET /config/providers} describes it, reduced to what ocs shows: never its options
 * beyond the base URL's host and port (options hold API keys, and a base URL can carry credentials in its user
 * info or query).
 *
 * @param host the base URL's host, or null when it has none
 * @param port its port, or -1 when it names none
 */
public record Provider(String id, String name, String host, int port, List<Model> models) {
    public record Model(String id, String name) {}

    /** {@code host:port} (or the host alone), or null without a base URL. */
    public String endpoint() {
        return host == null ? null : host + (port > 0 ? ":" + port : "");
    }

    public List<String> modelIds() {
        return models.stream().map(Model::id).toList();
    }

    /** The providers of a {@code GET /config/providers} answer, in the server's order. */
    public static List<Provider> listFrom(JsonNode doc) {
        List<Provider> out = new ArrayList<>();
        JsonNode list = doc == null ? null : doc.get("providers");
        if (list == null || !list.isArray()) {
            throw new OcsException(ExitCode.SERVER_ERROR, "the answer has no 'providers' list");
        }
        for (JsonNode p : list) {
            String id = Json.text(p, "id");
            if (id == null) {
                continue;
            }
            List<Model> models = new ArrayList<>();
            JsonNode ms = Json.obj(p, "models");
            if (ms != null) {
                ms.properties().forEach(e -> models.add(new Model(e.getKey(), Json.text(e.getValue(), "name"))));
            }
            URI base = baseUrl(Json.text(Json.obj(p, "options"), "baseURL"));
            out.add(new Provider(id, Json.text(p, "name"), base == null ? null : base.getHost(),
                    base == null ? -1 : base.getPort(), models));
        }
        return out;
    }

    /** A base URL with a host, or null. */
    private static URI baseUrl(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            URI u = URI.create(raw.trim());
            return u.getHost() == null ? null : u;
        } catch (IllegalArgumentException e) {
            return null; // shown as "no base URL": ocs only needs its host
        }
    }
}

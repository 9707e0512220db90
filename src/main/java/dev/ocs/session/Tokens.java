package dev.ocs.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.http.Json;

/** Token counts as opencode writes them when a step finishes. */
public record Tokens(long input, long output, long reasoning, long cacheRead, long cacheWrite) {
    public static final Tokens ZERO = new Tokens(0, 0, 0, 0, 0);

    /** Tokens as opencode writes them ({@code {input, output, reasoning, cache: {read, write}}}); zero without. */
    public static Tokens from(JsonNode n) {
        if (n == null || !n.isObject()) {
            return ZERO;
        }
        JsonNode cache = Json.obj(n, "cache");
        return new Tokens(Json.num(n, "input"), Json.num(n, "output"), Json.num(n, "reasoning"),
                Json.num(cache, "read"), Json.num(cache, "write"));
    }

    public boolean allZero() {
        return input == 0 && output == 0 && reasoning == 0 && cacheRead == 0 && cacheWrite == 0;
    }

    public long total() {
        return input + output + reasoning + cacheRead + cacheWrite;
    }

    public Tokens plus(Tokens o) {
        return new Tokens(input + o.input, output + o.output, reasoning + o.reasoning, cacheRead + o.cacheRead,
                cacheWrite + o.cacheWrite);
    }
}

package dev.ocs.session;

import java.util.ArrayList;
import java.util.List;

/**
 * What an unattended run may spend: {@code --max-cost} (USD) and {@code --max-tokens} (input, output, reasoning
 * and cache tokens together, as opencode counts them when each step finishes). Either may be null; a budget has at
 * least one.
 */
public record Budget(Double maxCost, Long maxTokens) {
    /** What a run has spent so far. */
    public record Spend(long tokens, double cost) {
        public static final Spend NONE = new Spend(0, 0);

        public Spend plus(long moreTokens, double moreCost) {
            return new Spend(tokens + moreTokens, cost + moreCost);
        }

        /** The newest run's spend after one more message, in order: a prompt starts a new run. */
        public Spend after(Message m) {
            return m.isUser() ? NONE : m.isAssistant() ? plus(m.tokens.total(), m.cost) : this;
        }
    }

    /** The budget the options give, or null when they give none. */
    public static Budget of(Double maxCost, Long maxTokens) {
        return maxCost == null && maxTokens == null ? null : new Budget(maxCost, maxTokens);
    }

    public boolean passedBy(Spend s) {
        return maxTokens != null && s.tokens() > maxTokens || maxCost != null && s.cost() > maxCost;
    }

    /** "1234 tokens and $0.0123", for a finding. */
    public static String describe(Spend s) {
        return s.tokens() + " tokens and $" + HumanReport.fixed(s.cost(), 4);
    }

    /** "--max-tokens 500 and --max-cost 0.01". */
    public String limits() {
        List<String> parts = new ArrayList<>();
        if (maxTokens != null) {
            parts.add("--max-tokens " + maxTokens);
        }
        if (maxCost != null) {
            parts.add("--max-cost " + maxCost);
        }
        return String.join(" and ", parts);
    }
}

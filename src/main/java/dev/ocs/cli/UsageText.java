package dev.ocs.cli;

import dev.ocs.http.OpencodeClient;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A command line picocli could not parse, said in ocs's words: what was wrong and what to do, in one line. picocli's
 * own texts ("Unmatched argument at index 0", "'abc' is not a double") never reach the user.
 */
final class UsageText {
    private UsageText() {}

    static String of(CommandLine.ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        CommandSpec spec = cl.getCommandSpec();
        String name = spec.qualifiedName();
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            return unmatched(u, spec, name);
        }
        if (ex instanceof CommandLine.MissingParameterException m) {
            return missing(m, name);
        }
        if (ex instanceof CommandLine.OverwrittenOptionException o) {
            return (o.getOverwritten() == null ? "an option" : label(o.getOverwritten()))
                    + " is given more than once; give it once";
        }
        if (ex instanceof CommandLine.MutuallyExclusiveArgsException) {
            return "these options go alone: " + exclusive(ex.getMessage()) + "; give one of them";
        }
        if (ex instanceof CommandLine.MaxValuesExceededException) {
            return "too many values for " + name + ": " + ex.getMessage().replaceFirst("^[^:]*: ", "");
        }
        ArgSpec arg = ex.getArgSpec();
        if (arg != null && ex.getValue() != null) {
            return label(arg) + " takes " + expected(arg) + ", not '" + clip(ex.getValue()) + "'";
        }
        if ("missing command".equals(ex.getMessage())) {
            if (spec.parent() != null) {
                // a command of commands (ocs config): its own
                return "no command given: " + spec.qualifiedName() + " COMMAND; the commands: "
                        + String.join(", ", spec.subcommands().keySet());
            }
            return "no command given: ocs COMMAND [OPTIONS]; the commands: " + commands();
        }
        return String.valueOf(ex.getMessage());
    }

    private static String unmatched(CommandLine.UnmatchedArgumentException u, CommandSpec spec, String name) {
        List<String> unmatched = u.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        if (spec.parent() == null && !first.startsWith("-")) {
            return "no command '" + clip(first) + "'; " + guess(first, OcsCommand.COMMANDS) + "the commands: "
                    + commands();
        }
        if (!spec.subcommands().isEmpty() && !first.startsWith("-")) {
            List<String> subs = new ArrayList<>(spec.subcommands().keySet());
            return "no command '" + clip(first) + "' in " + name + "; " + guess(first, subs) + "the commands: "
                    + String.join(", ", subs);
        }
        if (u.isUnknownOption() || first.startsWith("-")) {
            List<String> names = new ArrayList<>();
            spec.options().forEach(o -> names.addAll(List.of(o.names())));
            String typed = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
            String g = guess(typed, names);
            return "unknown option '" + clip(first) + "' for " + name + (g.isEmpty() ? "" : "; " + g.strip());
        }
        List<String> takes = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            takes.add(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel());
        }
        return "unexpected argument '" + clip(first) + "': " + name + " takes "
                + (takes.isEmpty() ? "no arguments" : String.join(" ", takes)) + " (a value with spaces goes in quotes)";
    }

    private static String missing(CommandLine.MissingParameterException m, String name) {
        List<String> what = new ArrayList<>();
        boolean value = false;
        for (ArgSpec a : m.getMissing()) {
            if (a instanceof OptionSpec o && m.getMessage().startsWith("Missing required parameter for option")) {
                what.add(o.longestName() + " " + o.paramLabel());
                value = true;
            } else {
                what.add(label(a));
            }
        }
        if (value) {
            return String.join(", ", what) + ": the value is missing";
        }
        return name + " needs " + String.join(" and ", what);
    }

    /** "did you mean X? " for the names a typo is close to (at most two edits, or a shared start), else "". */
    static String guess(String typed, List<String> names) {
        List<String> close = new ArrayList<>();
        String t = typed.toLowerCase(Locale.ROOT);
        for (String n : names) {
            String c = n.toLowerCase(Locale.ROOT);
            int prefix = c.startsWith("--") && t.startsWith("--") ? 5 : 3;
            if (distance(t, c) <= Math.min(2, c.length() / 3) || t.length() >= prefix && c.startsWith(t)
                    || c.length() >= prefix && t.startsWith(c)) {
                close.add(n);
            }
        }
        return close.isEmpty() ? "" : "did you mean " + String.join(" or ", close) + "? ";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }

    /** An argument as the user knows it: an option's longest name, a positional's label. */
    private static String label(ArgSpec a) {
        return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
    }

    private static String expected(ArgSpec a) {
        Class<?> t = a.type();
        String label = a.paramLabel();
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return label + " (a whole number)";
        }
        if (t == Double.class || t == double.class) {
            return label + " (a number)";
        }
        return label;
    }

    /** picocli says "Error: --always, --reject are mutually exclusive (specify only one)": the names. */
    private static String exclusive(String message) {
        String m = message.replaceFirst("^Error: ", "");
        int end = m.indexOf(" are mutually exclusive");
        return end > 0 ? m.substring(0, end) : m;
    }

    private static String commands() {
        return String.join(", ", OcsCommand.COMMANDS);
    }

    private static String clip(String s) {
        return OpencodeClient.oneLine(s, 60);
    }
}

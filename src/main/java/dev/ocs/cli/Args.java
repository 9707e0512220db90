package dev.ocs.cli;

import dev.ocs.OcsException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A command's options as code: picocli's programmatic model, each option bound to the command's field by a
 * setter. picocli's annotations cost a small call ~80 ms of start-up (annotation proxies and reflective
 * scans, which no JDK 17 class archive holds); this builds the same model with neither. Values are set while
 * the arguments are parsed, before the command runs; an option that is not given keeps the field's initial
 * value (or gets its {@code defaultValue}).
 */
final class Args {
    private final CommandSpec spec;
    /** Options that may be given more than once, each time handed over in order; null: none may. */
    private Set<String> repeatable;
    private final Set<String> repeated = new LinkedHashSet<>();

    /**
     * @param command     what runs: a {@code Callable<Integer>} or {@code Runnable}
     * @param sortOptions false: help lists the options in the order they are added
     */
    Args(Object command, String name, boolean sortOptions, String... description) {
        spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description).sortOptions(sortOptions);
    }

    CommandSpec spec() {
        return spec;
    }

    <T> void option(Class<T> type, Consumer<? super T> set, OptionSpec.Builder option) {
        spec.addOption(bind(type, once(set, option), option));
    }

    /** An option without a value: true when given. */
    void flag(Consumer<Boolean> set, OptionSpec.Builder option) {
        spec.addOption(flagSpec(once(set, option), option));
    }

    /**
     * Lets these options (added after this call) be given more than once, and in any mix: each occurrence reaches
     * its setter in the order given ({@code --option A --next --text B}). Any other option given twice is a usage
     * error at {@link #checkRepeats()}, as picocli would make it.
     */
    void allowRepeats(String... names) {
        repeatable = Set.of(names);
        spec.parser().overwrittenOptionsAllowed(true);
    }

    /** After parsing: an option given twice that may not be, said the way ocs says usage errors. */
    void checkRepeats() {
        if (!repeated.isEmpty()) {
            throw OcsException.usage(repeated.iterator().next() + " is given more than once; give it once");
        }
    }

    private <V> Consumer<V> once(Consumer<V> set, OptionSpec.Builder option) {
        if (repeatable == null || Arrays.stream(option.names()).anyMatch(repeatable::contains)) {
            return set;
        }
        String name = option.names()[option.names().length - 1];
        boolean[] seen = {false};
        return v -> {
            if (seen[0]) {
                repeated.add(name);
            }
            seen[0] = true;
            set.accept(v);
        };
    }

    /** A positional parameter: required unless its arity says otherwise (as with picocli's annotation). */
    <T> void positional(Class<T> type, Consumer<? super T> set, PositionalParamSpec.Builder positional) {
        if (positional.arity() == null) {
            positional.arity("1");
        }
        positional.required(positional.arity().min() > 0);
        spec.addPositional(positional.type(type).setter(setter(set)).hasInitialValue(false).build());
    }

    /** Positional parameters that take one value or more ({@code SESSION_ID...}): the list, once parsed. */
    void positionals(Consumer<List<String>> set, PositionalParamSpec.Builder positional) {
        positional.required(true).arity("1..*");
        spec.addPositional(positional.type(List.class).auxiliaryTypes(String.class).setter(setter(set))
                .hasInitialValue(false).build());
    }

    /** Flags of which at most one may be given. */
    void exclusive(OptionSpec... flags) {
        ArgGroupSpec.Builder group = ArgGroupSpec.builder().exclusive(true).multiplicity("0..1");
        for (OptionSpec f : flags) {
            group.addArg(f);
        }
        spec.addArgGroup(group.build());
    }

    static OptionSpec flagSpec(Consumer<Boolean> set, OptionSpec.Builder option) {
        return bind(Boolean.TYPE, set, option);
    }

    static <T> OptionSpec bind(Class<T> type, Consumer<? super T> set, OptionSpec.Builder option) {
        // No initial value: picocli would set it (null) before parsing; the field's own initial value stands.
        return option.type(type).setter(setter(set)).hasInitialValue(false).build();
    }

    private static <T> ISetter setter(Consumer<? super T> set) {
        return new ISetter() {
            @Override
            @SuppressWarnings("unchecked")
            public <V> V set(V value) {
                set.accept((T) value);
                return null;
            }
        };
    }
}

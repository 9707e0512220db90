package dev.ocs.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tool call's arguments, read with the type its schema gives. The SDK checks them against the schema first;
 * what still does not fit (a client that skips that) is a usage error naming the argument, as a wrong option is
 * on the command line.
 */
final class Arguments {
    /** An argument of the wrong type or a missing one: a tool error, exit 2's meaning. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private final Map<String, Object> values;

    Arguments(Map<String, Object> values) {
        this.values = values == null ? Map.of() : values;
    }

    String string(String name) {
        Object v = values.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new Invalid("argument '" + name + "' must be a string");
    }

    String requiredString(String name) {
        String v = string(name);
        if (v == null) {
            throw new Invalid("argument '" + name + "' is required");
        }
        return v;
    }

    String session() {
        return requiredString("session_id");
    }

    boolean bool(String name) {
        return bool(name, false);
    }

    boolean bool(String name, boolean absent) {
        Object v = values.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new Invalid("argument '" + name + "' must be true or false");
    }

    Long integer(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new Invalid("argument '" + name + "' must be a whole number");
    }

    Double number(String name) {
        Object v = values.get(name);
        if (v == null || v instanceof Number) {
            return v == null ? null : ((Number) v).doubleValue();
        }
        throw new Invalid("argument '" + name + "' must be a number");
    }

    List<String> strings(String name) {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new Invalid("argument '" + name + "' must be a list of strings");
                }
                out.add(s);
            }
            return out;
        }
        throw new Invalid("argument '" + name + "' must be a list of strings");
    }

    List<String> requiredStrings(String name) {
        List<String> v = strings(name);
        if (v.isEmpty()) {
            throw new Invalid("argument '" + name + "' needs at least one value");
        }
        return v;
    }

    List<Arguments> objects(String name) {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        List<Arguments> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw new Invalid("argument '" + name + "' must be a list of objects");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) m;
                out.add(new Arguments(entry));
            }
            return out;
        }
        throw new Invalid("argument '" + name + "' must be a list of objects");
    }

    Line list(String... first) {
        Line l = new Line();
        for (String s : first) {
            l.add(s);
        }
        return l;
    }

    /** A command line being built: absent values leave their option out. */
    static final class Line {
        private final List<String> args = new ArrayList<>();

        Line add(String arg) {
            if (arg != null) {
                args.add(arg);
            }
            return this;
        }

        Line addAll(List<String> more) {
            more.forEach(this::add);
            return this;
        }

        Line flag(String option, boolean on) {
            return on ? add(option) : this;
        }

        /**
         * {@code --option=value} in one argument: a value that starts with a dash (a prompt title, a typed
         * answer) is then never read as an option.
         */
        Line value(String option, Object value) {
            if (value != null) {
                args.add(option + "=" + (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()
                        ? Long.toString(d.longValue()) : value.toString()));
            }
            return this;
        }

        List<String> args() {
            return List.copyOf(args);
        }
    }
}

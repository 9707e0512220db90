package dev.ocs.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import dev.ocs.OcsException;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ocs's config file, {@code $XDG_CONFIG_HOME/ocs/config.toml} (default {@code ~/.config/ocs/config.toml}): named
 * servers and the default one. Read with Jackson's TOML parser (its streaming side: no ObjectMapper is made), only
 * when a call needs it. Any mistake in it is a usage error (exit 2) naming the file, the line and what was
 * expected; an unknown key is a warning.
 *
 * @param text the file as it was read, for edits that keep every other line; empty when there is no file
 */
public record Config(Path file, String defaultName, Map<String, Profile> servers, List<String> warnings,
                     String text) {
    private static final Set<String> TOP = Set.of("default", "servers");
    private static final Set<String> SERVER = Set.of("url", "username", "password_command", "password_file",
            "password_env");
    static final String NAME = "[A-Za-z0-9_-]+";

    /** Where the file is for this environment. */
    public static Path path(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ocs", "config.toml");
        }
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".config", "ocs",
                "config.toml");
    }

    /** The config at {@code file}, or an empty one when there is none. */
    public static Config read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Config(file, null, Map.of(), List.of(), "");
        } catch (MalformedInputException e) {
            throw OcsException.usage("config " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw OcsException.usage("config " + file + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
        return parse(file, text);
    }

    public static Config parse(Path file, String text) {
        ObjectNode root;
        try (JsonParser p = new TomlFactory().createParser(text)) {
            JsonNode n = tree(p, p.nextToken());
            root = n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            throw OcsException.usage("config " + file + (at == null || at.getLineNr() < 1 ? "" : " line "
                    + at.getLineNr()) + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw OcsException.usage("config " + file + ": " + firstLine(e.getMessage()));
        }
        List<String> warnings = new ArrayList<>();
        root.fieldNames().forEachRemaining(k -> {
            if (!TOP.contains(k)) {
                warnings.add("unknown key '" + k + "' (ignored)");
            }
        });
        Map<String, Profile> servers = new LinkedHashMap<>();
        JsonNode all = root.get("servers");
        if (all != null && !all.isObject()) {
            throw bad(file, "'servers' must be tables: [servers.NAME]");
        }
        if (all != null) {
            for (Map.Entry<String, JsonNode> e : all.properties()) {
                servers.put(e.getKey(), profile(file, e.getKey(), e.getValue(), warnings));
            }
        }
        JsonNode def = root.get("default");
        if (def != null && !def.isTextual()) {
            throw bad(file, "'default' must be a server's name in quotes, e.g. default = \"laptop\"");
        }
        String defaultName = def == null ? null : def.asText();
        if (defaultName != null && !servers.containsKey(defaultName)) {
            throw bad(file, "default = \"" + defaultName + "\" names no server; " + known(servers));
        }
        return new Config(file, defaultName, servers, warnings, text);
    }

    private static Profile profile(Path file, String name, JsonNode n, List<String> warnings) {
        String where = "[servers." + name + "]";
        if (!name.matches(NAME)) {
            throw bad(file, where + ": a server's name is letters, digits, '-' and '_'");
        }
        if (!n.isObject()) {
            throw bad(file, "servers." + name + " must be a table: " + where);
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!SERVER.contains(k)) {
                warnings.add(where + ": unknown key '" + k + "' (ignored)");
            }
        });
        String url = string(file, where, n, "url");
        if (url == null) {
            throw bad(file, where + " has no url (url = \"http://HOST:PORT\")");
        }
        List<String> command = null;
        JsonNode c = n.get("password_command");
        if (c != null) {
            if (!c.isArray() || c.isEmpty()) {
                throw bad(file, where + ": password_command must be a list of strings, e.g. [\"pass\", \"show\", \"x\"]");
            }
            command = new ArrayList<>();
            for (JsonNode w : c) {
                if (!w.isTextual()) {
                    throw bad(file, where + ": password_command must be a list of strings");
                }
                command.add(w.asText());
            }
        }
        String pfile = string(file, where, n, "password_file");
        String penv = string(file, where, n, "password_env");
        int sources = (command == null ? 0 : 1) + (pfile == null ? 0 : 1) + (penv == null ? 0 : 1);
        if (sources > 1) {
            throw bad(file, where + ": give one of password_command, password_file and password_env");
        }
        return new Profile(name, url, string(file, where, n, "username"), pfile, penv,
                command == null ? null : List.copyOf(command));
    }

    private static String string(Path file, String where, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad(file, where + ": " + key + " must be a string in quotes");
        }
        return v.asText();
    }

    /** The profile of that name, or exit 2 listing the known ones. */
    public Profile server(String name) {
        Profile p = servers.get(name);
        if (p == null) {
            throw OcsException.usage("no server '" + name + "' in " + file + "; " + known(servers));
        }
        return p;
    }

    static String known(Map<String, Profile> servers) {
        return servers.isEmpty() ? "it has none (add one: ocs config add NAME URL)"
                : "known: " + String.join(", ", servers.keySet());
    }

    private static OcsException bad(Path file, String what) {
        return OcsException.usage("config " + file + ": " + what);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "not TOML";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A tree of the parser's tokens, from {@code t} on (the TOML parser gives the same tokens as JSON's). */
    private static JsonNode tree(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (t == null) {
            return f.objectNode();
        }
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, tree(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    a.add(tree(p, v));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            default -> {
                // dates and times: ocs keeps none, their text is enough for a message
                return f.textNode(p.getText());
            }
        }
    }
}

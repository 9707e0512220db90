package dev.ocs.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy variables of an environment. ocs never uses them, but a server started with them sends its
 * calls to local model servers through the proxy, which is the classic cause of "model failed to connect".
 */
public final class ProxyEnv {
    public static final List<String> PROXY_VARS = List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
            "http_proxy", "https_proxy", "all_proxy");

    private ProxyEnv() {}

    /** The proxy variables that are set, in a stable order. */
    public static List<String> setProxyVars(Map<String, String> env) {
        List<String> set = new ArrayList<>();
        for (String name : PROXY_VARS) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                set.add(name);
            }
        }
        return set;
    }

    /** Removes every proxy variable (any case) from an environment about to be given to a process. */
    public static void strip(Map<String, String> env) {
        env.keySet().removeIf(k -> {
            String u = k.toUpperCase(Locale.ROOT);
            return u.equals("HTTP_PROXY") || u.equals("HTTPS_PROXY") || u.equals("ALL_PROXY");
        });
    }

    /** Whether NO_PROXY (or no_proxy) exempts this host. */
    public static boolean noProxyCovers(Map<String, String> env, String host) {
        String list = env.get("NO_PROXY");
        if (list == null || list.isBlank()) {
            list = env.get("no_proxy");
        }
        if (list == null || list.isBlank()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        boolean loopback = h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
        for (String raw : list.split("[,\\s]+")) {
            String e = raw.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            if (colon > 0 && e.indexOf(':') == colon && e.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                e = e.substring(0, colon);
            }
            if (e.equals("*") || e.equals(h)) {
                return true;
            }
            String suffix = e.startsWith(".") ? e : "." + e;
            if (h.endsWith(suffix) || (e.startsWith("*.") && h.endsWith(e.substring(1)))) {
                return true;
            }
            if (loopback && (e.equals("localhost") || e.equals("127.0.0.1") || e.equals("127.0.0.0/8")
                    || e.equals("::1"))) {
                return true;
            }
        }
        return false;
    }

    /** A warning for stderr, or null when no proxy variable would catch calls to {@code host}. */
    public static String warning(Map<String, String> env, String host) {
        List<String> set = setProxyVars(env);
        if (set.isEmpty() || noProxyCovers(env, host)) {
            return null;
        }
        return "warning: " + String.join(", ", set) + " set and NO_PROXY does not cover " + host
                + ": a server started from this shell would send its calls to local model servers through the "
                + "proxy (ocs itself never uses one; 'serve-check --start' removes them for the server it starts)";
    }
}

package dev.ocs.config;

import java.util.List;

/**
 * A named server of the config file: where it is, who to be, and where its password comes from (at most one of
 * the three sources; none: the default password).
 *
 * @param passwordCommand a program and its arguments, run without a shell; null when not this source
 */
public record Profile(String name, String url, String username, String passwordFile, String passwordEnv,
                      List<String> passwordCommand) {

    /** The password source in a few words, never the secret: {@code password_command pass show x}. */
    public String passwordSource() {
        if (passwordCommand != null) {
            return "password_command " + String.join(" ", passwordCommand.stream().map(dev.ocs.Shell::quote).toList());
        }
        if (passwordFile != null) {
            return "password_file " + passwordFile;
        }
        if (passwordEnv != null) {
            return "password_env " + passwordEnv;
        }
        return null;
    }
}

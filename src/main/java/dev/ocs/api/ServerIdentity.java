package dev.ocs.api;

/**
 * What a server turned out to be, from what it answered.
 *
 * @param version   the version it reports, or null where it reports none (1.0.0 has no health route)
 * @param hasHealth whether {@code /global/health} answers: 1.0.0's is a 404 and 1.0.185's goes to its web UI's
 *                  proxy. Those lines do not check Basic Auth either: any password is taken.
 */
public record ServerIdentity(String version, boolean hasHealth) {
}

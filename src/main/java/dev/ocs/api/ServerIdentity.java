package dev.ocs.api;

/**
 * What a server turned out to be, from what it answered.
 *
 * @param version   the version it reports, or null where it reports none (1.0.0 has no health route)
 * @param hasHealth whether {@code /global/health} answers (1.0.0's does not)
 */
public record ServerIdentity(String version, boolean hasHealth) {
}

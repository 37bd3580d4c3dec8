package dev.tessera.platform.route;

/**
 * Where a public request goes.
 *
 * @param service who answers (see {@link PublicRoute#service()})
 * @param path the path the service is sent: the request's path without {@code strippedPrefix}
 * @param strippedPrefix the base taken off, passed on as {@code X-Forwarded-Prefix}; empty at the root
 */
public record Upstream(String service, String path, String strippedPrefix) {
}

package dev.tessera.auth.site;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;

import dev.tessera.platform.error.ApiError;
import dev.tessera.site.SitePath;

/**
 * The page request an ingress controller asks forward-auth about, from either convention: ingress-nginx's
 * {@code auth-url} ({@code X-Original-URL}: the whole URL) or Traefik's ForwardAuth ({@code X-Forwarded-Uri}: path
 * and query; {@code X-Forwarded-Method/-Proto/-Host} beside it). Traefik never sends {@code X-Original-URL}, so its
 * presence names ingress-nginx.
 *
 * @param path the normalised path the rules match ({@link SitePath})
 * @param query the raw query, or null
 * @param nginx whether ingress-nginx asks, which takes only 2xx, 401 and 403 for an answer
 */
record ForwardedRequest(String path, String query, boolean nginx) {

    static final String TRAEFIK_URI = "X-Forwarded-Uri";
    static final String NGINX_URL = "X-Original-URL";

    static ForwardedRequest of(HttpHeaders headers) {
        String url = headers.getHeaderString(NGINX_URL);
        String uri = headers.getHeaderString(TRAEFIK_URI);
        boolean nginx = url != null && !url.isBlank();
        String rawPath;
        String query;
        if (nginx) {
            try {
                URI parsed = new URI(url.trim());
                rawPath = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
                query = parsed.getRawQuery();
            } catch (URISyntaxException e) {
                throw ApiError.badRequest(NGINX_URL + " is not a URL");
            }
        } else if (uri != null && !uri.isBlank()) {
            int q = uri.indexOf('?');
            rawPath = q < 0 ? uri : uri.substring(0, q);
            query = q < 0 ? null : uri.substring(q + 1);
        } else {
            throw ApiError.badRequest("Forward-auth needs the page's address: " + TRAEFIK_URI + " (Traefik) or "
                    + NGINX_URL + " (ingress-nginx)");
        }
        Optional<String> path = SitePath.normalize(rawPath);
        if (path.isEmpty()) {
            throw ApiError.badRequest("The page's path cannot be read");
        }
        return new ForwardedRequest(path.get(), query, nginx);
    }
}

package dev.tessera.auth.site;

import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;

import dev.tessera.platform.error.ApiError;
import dev.tessera.site.SitePath;

/**
 * The page request an ingress controller asks forward-auth about, from either convention: ingress-nginx's
 * {@code auth-url} ({@code X-Original-URL}: the whole URL) or Traefik's ForwardAuth ({@code X-Forwarded-Uri}: path
 * and query; {@code X-Forwarded-Method/-Proto/-Host} beside it). Each controller writes its own header over whatever
 * a client sent, but passes the client's other headers on (ingress-nginx all of them, Traefik all unless its
 * Middleware lists {@code authRequestHeaders}), so the other convention's header may be the visitor's own words. When
 * both are there they must name the same page, or the page is refused: a client cannot steer the check to another
 * path than the one the controller serves.
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
        boolean traefik = uri != null && !uri.isBlank();
        if (!nginx && !traefik) {
            throw ApiError.badRequest("Forward-auth needs the page's address: " + TRAEFIK_URI + " (Traefik) or "
                    + NGINX_URL + " (ingress-nginx)");
        }
        ForwardedRequest fromNginx = nginx ? page(requestUri(url.trim()), true) : null;
        ForwardedRequest fromTraefik = traefik ? page(uri.trim(), false) : null;
        if (fromNginx != null && fromTraefik != null && !fromNginx.path().equals(fromTraefik.path())) {
            throw ApiError.badRequest(NGINX_URL + " and " + TRAEFIK_URI + " name different pages");
        }
        return fromNginx != null ? fromNginx : fromTraefik;
    }

    /**
     * The path and query of ingress-nginx's {@code $scheme://$http_host$request_uri}. Not parsed as a URI: the Host
     * header is the client's, and nginx lets a {@code ?} or {@code #} through there, which a URI parser would take
     * for the start of the query and hide the path behind. A host holds no {@code /}, so the request's own URI starts
     * at the first one after the scheme.
     */
    private static String requestUri(String url) {
        int scheme = url.indexOf("://");
        int path = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        if (scheme <= 0 || path < 0) {
            throw ApiError.badRequest(NGINX_URL + " is not a URL with a path");
        }
        return url.substring(path);
    }

    private static ForwardedRequest page(String requestUri, boolean nginx) {
        int q = requestUri.indexOf('?');
        String rawPath = q < 0 ? requestUri : requestUri.substring(0, q);
        String query = q < 0 ? null : requestUri.substring(q + 1);
        int fragment = rawPath.indexOf('#');
        if (fragment >= 0) {
            rawPath = rawPath.substring(0, fragment);
        }
        Optional<String> path = SitePath.normalize(rawPath);
        if (path.isEmpty()) {
            throw ApiError.badRequest("The page's path cannot be read");
        }
        return new ForwardedRequest(path.get(), query, nginx);
    }
}

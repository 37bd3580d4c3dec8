package dev.tessera.auth.oauth;

import java.net.URI;
import java.util.Locale;

/**
 * GoTrue returns an OAuth sign-in to the page that started it only when that page is on the site's own host. Here
 * the page must be of the site's origin (scheme, host and port), since the tokens travel in the return URL's fragment:
 * a page on another port of the same host (another service, or plain http beside https) is another site.
 */
final class Referrers {

    private Referrers() {
    }

    static String sameSite(String referer, String siteUrl) {
        if (referer == null || referer.isBlank()) {
            return null;
        }
        try {
            URI page = URI.create(referer.trim());
            URI site = URI.create(siteUrl.trim());
            return page.getHost() != null && origin(page).equals(origin(site)) ? referer.trim() : null;
        } catch (IllegalArgumentException unparseable) {
            return null;
        }
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }
}

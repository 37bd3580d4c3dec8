package dev.tessera.auth.oauth;

import java.net.URI;

/** GoTrue returns an OAuth sign-in to the page that started it only when that page is on the site's own host. */
final class Referrers {

    private Referrers() {
    }

    static String sameSite(String referer, String siteUrl) {
        if (referer == null || referer.isBlank()) {
            return null;
        }
        try {
            String host = URI.create(referer.trim()).getHost();
            String siteHost = URI.create(siteUrl).getHost();
            return host != null && host.equalsIgnoreCase(siteHost) ? referer.trim() : null;
        } catch (IllegalArgumentException unparseable) {
            return null;
        }
    }
}

package dev.tessera.mail.template;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.tessera.platform.mail.MailKind;

/**
 * The link a mail carries, built as GoTrue builds it: the kind's path resolved against the site URL (so the
 * default path {@code /} replaces any path the site URL has), then the fragment {@code <kind>_token=<token>},
 * which the widget and gotrue-js read from the page's hash.
 */
public final class ConfirmationLink {

    private ConfirmationLink() {
    }

    public static String build(String siteUrl, String path, MailKind kind, String token) {
        URI base = withoutFragment(URI.create(siteUrl.trim()));
        URI target = base;
        if (path != null && !path.isEmpty()) {
            // URI.resolve mishandles a base without a path ("https://ex.com" + "a" gives "https://ex.coma").
            if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
                base = URI.create(base + "/");
            }
            target = base.resolve(path);
        }
        return withoutFragment(target) + "#" + kind.fragmentKey() + "="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static URI withoutFragment(URI uri) {
        String text = uri.toString();
        int hash = text.indexOf('#');
        return hash < 0 ? uri : URI.create(text.substring(0, hash));
    }
}

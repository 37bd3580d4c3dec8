package dev.tessera.auth.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** {@code application/x-www-form-urlencoded} pairs, in the order given, empty values left out. */
final class FormEncoding {

    private FormEncoding() {
    }

    static String encode(String[][] pairs) {
        StringJoiner out = new StringJoiner("&");
        for (String[] pair : pairs) {
            if (pair[1] != null && !pair[1].isEmpty()) {
                out.add(URLEncoder.encode(pair[0], StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(pair[1], StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }
}

package dev.tessera.auth.token;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedMap;

import dev.tessera.platform.error.ApiError;

/**
 * The form values of {@code POST /token}, read as Go's {@code r.FormValue} does: the body first, urlencoded or
 * {@code multipart/form-data} ({@code curl -F}, a browser's {@code FormData}), then the query string. A JSON body is
 * not read at all, so it ends as "unsupported_grant_type", as on GoTrue.
 * <p>
 * Unlike GoTrue, a password or refresh token in the query string is refused ({@code invalid_request}), even when the
 * body carries one too: URLs end up in proxy and server logs, browser history and Referer headers. The other fields
 * ({@code grant_type}, {@code username}) may still come in the query, as on GoTrue.
 */
final class FormValues {

    /** Fields that are credentials, never accepted in the query string. */
    static final List<String> BODY_ONLY = List.of("password", "refresh_token");

    private final Map<String, String> values;

    private FormValues(Map<String, String> values) {
        this.values = values;
    }

    static FormValues of(byte[] body, String contentType, MultivaluedMap<String, String> query) {
        for (String field : BODY_ONLY) {
            if (query.containsKey(field)) {
                throw ApiError.oauth("invalid_request", field + " must be sent in the request body, not in the URL");
            }
        }
        Map<String, String> values = new HashMap<>();
        query.forEach((name, list) -> {
            if (!list.isEmpty()) {
                values.put(name, list.get(0));
            }
        });
        if (contentType != null && body != null && body.length > 0) {
            String type = contentType.toLowerCase(Locale.ROOT);
            if (type.startsWith("application/x-www-form-urlencoded")) {
                values.putAll(urlencoded(body));
            } else if (type.startsWith("multipart/form-data")) {
                values.putAll(MultipartFields.of(body, contentType));
            }
        }
        return new FormValues(values);
    }

    private static Map<String, String> urlencoded(byte[] body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            form.putIfAbsent(name, value);
        }
        return form;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return "";
        }
    }

    String get(String name) {
        return values.getOrDefault(name, "");
    }
}

package dev.tessera.platform.tracing;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Keeps the secrets some URLs carry out of exported spans. HTTP spans record the query string of a request (GoTrue's
 * {@code GET /verify?token=…} carries a one-time token, an OAuth {@code /callback?code=…} an authorization code) and
 * the full URL of a call (a webhook URL may hold a key in its query or credentials before its host). Every query
 * value becomes {@value #REDACTED}, the names stay for the reader, and credentials in a URL go. Only recorded spans
 * reach a processor, so without a collector this costs nothing.
 */
@ApplicationScoped
public class UrlRedaction implements SpanProcessor {

    static final String REDACTED = "REDACTED";
    private static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
    /** The URL attributes of both the current and the older HTTP semantic conventions. */
    private static final List<AttributeKey<String>> URLS = List.of(QUERY, AttributeKey.stringKey("url.full"),
            AttributeKey.stringKey("http.target"), AttributeKey.stringKey("http.url"));

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        for (AttributeKey<String> key : URLS) {
            String value = span.getAttribute(key);
            if (value != null) {
                String redacted = key.equals(QUERY) ? redactQuery(value) : redactUrl(value);
                if (!redacted.equals(value)) {
                    span.setAttribute(key, redacted);
                }
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }

    /** A URL or a path with its query: its query values, fragment and {@code user:password@} replaced. */
    static String redactUrl(String url) {
        String text = url;
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            int authorityEnd = indexOfAny(text, "/?#", scheme + 3);
            int at = text.lastIndexOf('@', authorityEnd - 1);
            if (at > scheme) {
                text = text.substring(0, scheme + 3) + text.substring(at + 1);
            }
        }
        int query = text.indexOf('?');
        int fragment = text.indexOf('#');
        if (fragment >= 0 && query > fragment) {
            query = -1;
        }
        int end = query >= 0 ? query : fragment >= 0 ? fragment : text.length();
        StringBuilder out = new StringBuilder(text.substring(0, end));
        if (query >= 0) {
            out.append('?').append(redactQuery(text.substring(query + 1, fragment >= 0 ? fragment : text.length())));
        }
        if (fragment >= 0) {
            out.append('#').append(REDACTED);
        }
        return out.toString();
    }

    /** A query string ({@code a=1&b=2}) with every value replaced; names without a value stay as they are. */
    static String redactQuery(String query) {
        StringBuilder out = new StringBuilder(query.length());
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int equals = pairs[i].indexOf('=');
            out.append(i == 0 ? "" : "&").append(equals < 0 ? pairs[i] : pairs[i].substring(0, equals + 1) + REDACTED);
        }
        return out.toString();
    }

    private static int indexOfAny(String text, String chars, int from) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}

package dev.tessera.platform.web;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;

/**
 * The {@code nf_jwt} cookie (GoTrue reference §3): set on {@code /token} and {@code /verify} when the request
 * carries {@code X-Use-Cookie} ({@code session} gives a session cookie, any other value one that lasts
 * {@code GOTRUE_COOKIE_DURATION} seconds), and cleared on logout and on every authentication failure. A negative
 * duration turns cookies off.
 * <p>
 * Attributes: {@code Path=/; HttpOnly; SameSite=Lax} (GoTrue sends no SameSite: Lax keeps the cookie off cross-site
 * subrequests and form posts while top-level navigation still carries it), and {@code Secure} when
 * {@code GOTRUE_SITE_URL} is https. A site on plain http (a local run) gets it without {@code Secure}: browsers
 * refuse Secure cookies from http pages other than localhost, and there the token crosses the network unencrypted
 * anyway. Only the configured site URL decides, never a request header such as {@code X-Forwarded-Proto}.
 */
@ApplicationScoped
public class SessionCookie {

    public static final String REQUEST_HEADER = "X-Use-Cookie";

    private final String name;
    private final long duration;
    private final String attributes;

    public SessionCookie(GoTrueConfig config) {
        this.name = config.cookie().key();
        this.duration = config.cookie().duration();
        boolean https = config.siteUrl().regionMatches(true, 0, "https://", 0, "https://".length());
        this.attributes = (https ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
    }

    /** The Set-Cookie value carrying this access token, or null when none is wanted. */
    public String set(String useCookie, String accessToken) {
        if (useCookie == null || useCookie.isEmpty() || duration < 0) {
            return null;
        }
        StringBuilder cookie = new StringBuilder(name).append('=').append(accessToken).append("; Path=/");
        if (!"session".equals(useCookie)) {
            String expires = DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(duration));
            cookie.append("; Expires=").append(expires).append("; Max-Age=").append(duration);
        }
        return cookie.append(attributes).toString();
    }

    /** A Set-Cookie value that removes the cookie. */
    public String clear() {
        return name + "=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0" + attributes;
    }
}

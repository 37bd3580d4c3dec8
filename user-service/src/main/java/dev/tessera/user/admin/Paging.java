package dev.tessera.user.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.core.UriBuilder;

import dev.tessera.platform.error.ApiError;

/** GoTrue's {@code page}/{@code per_page} parameters and the {@code Link} header of a paged answer. */
public record Paging(int page, int perPage) {

    /** The largest page number and page size taken; GoTrue takes any, and would answer every user at once. */
    static final int MAX = 100_000;

    public static Paging of(String page, String perPage) {
        return new Paging(positive(page, 1), positive(perPage, 50));
    }

    private static int positive(String value, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 1 || n > MAX) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("Bad Pagination Parameters: '" + value + "' is not a whole number from 1 to "
                    + MAX);
        }
    }

    /** The {@code Link} header for this page of {@code total} rows, or null when there is one page only. */
    public String links(URI requestUri, long total) {
        long last = Math.max(1, (total + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        if (page < last) {
            links.add(link(requestUri, page + 1, "next"));
        }
        if (page > 1) {
            links.add(link(requestUri, Math.min(page - 1, last), "prev"));
        }
        links.add(link(requestUri, last, "last"));
        return String.join(", ", links);
    }

    /**
     * A link relative to the host, as GoTrue writes it: the request reached this service through a gateway or an
     * ingress, so its own scheme and host are not the client's.
     */
    private static String link(URI requestUri, long page, String rel) {
        URI target = UriBuilder.fromUri(requestUri).replaceQueryParam("page", page).build();
        String query = target.getRawQuery();
        return "<" + target.getRawPath() + (query == null ? "" : "?" + query) + ">; rel=\"" + rel + "\"";
    }
}

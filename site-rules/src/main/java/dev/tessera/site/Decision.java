package dev.tessera.site;

/** What the rules make of one request. */
public sealed interface Decision {

    /** No rule applies (or a file at the path shadows it): serve the path as it is. */
    record Pass() implements Decision {
    }

    /**
     * Serve another path of the site (or the same one) with {@code status}: 200 for a rewrite, 404 or another 4xx
     * for a custom error page.
     *
     * @param path the path to serve, without query
     * @param query the query to pass on, or null
     * @param closedBy a Role rule before {@code rule} that claimed the path and did not admit the visitor, or null:
     *        a server that cannot carry the rewrite out (forward-auth) must keep the path closed
     */
    record Rewrite(String path, String query, int status, RedirectRule rule, RedirectRule closedBy)
            implements Decision {

        Rewrite closedBy(RedirectRule guard) {
            return new Rewrite(path, query, status, rule, guard);
        }
    }

    /**
     * Send the browser elsewhere: {@code status} with {@code location}, the query passed on unless {@code to} has
     * one.
     */
    record Redirect(String location, int status, RedirectRule rule) implements Decision {
    }

    /**
     * A rule with a {@code Role} condition claimed the path, the visitor has none of its roles and no later rule
     * applies: the page stays closed, whatever file is there.
     */
    record Deny(RedirectRule guard) implements Decision {
    }

    Decision PASS = new Pass();
}

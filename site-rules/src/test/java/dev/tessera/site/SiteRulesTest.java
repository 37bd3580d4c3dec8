package dev.tessera.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Table tests: Netlify's documented redirect examples (the redirects page, the role-based access control page, the
 * seed's two admin rules) and what each request gets. A row is a request (path, query, visitor, whether a file is
 * there) and the expected answer written as {@code pass}, {@code deny}, {@code 200 /path}, {@code 404 /path} or
 * {@code 302 -> /location}.
 */
class SiteRulesTest {

    private static final Visitor ANONYMOUS = Visitor.ANONYMOUS;
    private static final Visitor MEMBER = new Visitor("u-1", "member@example.com", Set.of("member"));
    private static final Visitor ADMIN = new Visitor("u-2", "admin@example.com", Set.of("admin"));

    /** The seed's rules, as the Identity page gives them. */
    static final String SEED = """
            # netlify.toml
            [[redirects]]
            from = "/admin/*"
            to = "/admin/:splat"
            status = 200
            conditions = { Role = ["admin"] }

            [[redirects]]
            from = "/admin/*"
            to = "/"
            status = 302
            """;

    private record Row(String path, String query, Visitor visitor, boolean file, String expected) {
    }

    private static Row row(String path, Visitor visitor, boolean file, String expected) {
        return new Row(path, null, visitor, file, expected);
    }

    private static String describe(Decision decision) {
        if (decision instanceof Decision.Rewrite r) {
            return r.status() + " " + r.path() + (r.query() == null ? "" : "?" + r.query());
        }
        if (decision instanceof Decision.Redirect r) {
            return r.status() + " -> " + r.location();
        }
        return decision instanceof Decision.Deny ? "deny" : "pass";
    }

    private static void check(String toml, List<Row> rows) {
        SiteRules rules = SiteRules.parse(toml, "netlify.toml");
        List<String> wrong = new ArrayList<>();
        for (Row row : rows) {
            String got = describe(rules.decide(row.path(), row.query(), row.visitor(), row.file()));
            if (!got.equals(row.expected())) {
                wrong.add(row + " got " + got);
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theSeedsAdminRules() {
        check(SEED, List.of(
                row("/admin/", ANONYMOUS, true, "302 -> /"),
                row("/admin/", MEMBER, true, "302 -> /"),
                row("/admin/", ADMIN, true, "pass"),
                row("/admin/", ADMIN, false, "200 /admin/"),
                row("/admin", ANONYMOUS, false, "302 -> /"),
                row("/admin/users.html", MEMBER, true, "302 -> /"),
                row("/admin/users.html", ADMIN, true, "pass"),
                row("/admin/deep/page.html", ADMIN, false, "200 /admin/deep/page.html"),
                row("/ADMIN/", ANONYMOUS, true, "302 -> /"),
                row("/", ANONYMOUS, true, "pass"),
                row("/administrator", ANONYMOUS, true, "pass"),
                row("/about.html", MEMBER, false, "pass")));
    }

    @Test
    void redirectsWithSplatsAndPlaceholders() {
        check("""
                [[redirects]]
                from = "/home"
                to = "/"
                [[redirects]]
                from = "/news/:year/:month/:date/:slug"
                to = "/blog/:year/:month/:date/:slug"
                status = 301
                [[redirects]]
                from = "/news/*"
                to = "/blog/:splat"
                status = 302
                [[redirects]]
                from = "/store"
                to = "https://shop.example.com/"
                status = 301
                [[redirects]]
                from = "/posts/:year/:id"
                to = "/blog-:year-:id.html"
                status = 301
                """, List.of(
                row("/home", ANONYMOUS, false, "301 -> /"),
                row("/home/", ANONYMOUS, false, "301 -> /"),
                new Row("/home", "utm=1", ANONYMOUS, false, "301 -> /?utm=1"),
                row("/news/2004/02/12/my-story", ANONYMOUS, false, "301 -> /blog/2004/02/12/my-story"),
                row("/news/2004/02/12", ANONYMOUS, false, "302 -> /blog/2004/02/12"),
                row("/news/", ANONYMOUS, false, "302 -> /blog/"),
                row("/news", ANONYMOUS, false, "302 -> /blog/"),
                row("/newsletter", ANONYMOUS, false, "pass"),
                row("/store", ANONYMOUS, false, "301 -> https://shop.example.com/"),
                row("/posts/2024/7", ANONYMOUS, false, "301 -> /blog-2024-7.html"),
                row("/home", ANONYMOUS, true, "pass")));
    }

    @Test
    void rewritesCustomErrorsAndShadowing() {
        check("""
                [[redirects]]
                from = "/ecommerce"
                to = "/store-closed"
                status = 404
                [[redirects]]
                from = "/app/*"
                to = "/app/index.html"
                status = 200
                [[redirects]]
                from = "/spa/*"
                to = "/spa/index.html"
                status = 200
                force = true
                [[redirects]]
                from = "/search"
                to = "/search.html?source=rule"
                status = 200
                """, List.of(
                row("/ecommerce", ANONYMOUS, false, "404 /store-closed"),
                row("/app/settings", ANONYMOUS, false, "200 /app/index.html"),
                row("/app/main.js", ANONYMOUS, true, "pass"),
                row("/spa/main.js", ANONYMOUS, true, "200 /spa/index.html"),
                new Row("/app/x", "tab=2", ANONYMOUS, false, "200 /app/index.html?tab=2"),
                new Row("/search", "q=x", ANONYMOUS, false, "200 /search.html?source=rule")));
    }

    @Test
    void roleRulesCloseThePathWhenNoLaterRuleApplies() {
        // Netlify's blog: with only this rule, visitors without the role get a 404, not the page.
        check("""
                [[redirects]]
                from = "/*"
                to = "/index.html"
                status = 200
                force = true
                conditions = {Role = ["editor"]}
                """, List.of(
                row("/", ANONYMOUS, true, "deny"),
                row("/drafts/1.html", MEMBER, true, "deny"),
                row("/drafts/1.html", new Visitor("u", "e@x", Set.of("editor")), true, "200 /index.html")));
        // The role-based access control page: gated area, and a forced 401 page for everybody else.
        check("""
                [[redirects]]
                from = "/members/*"
                status = 200
                force = true
                conditions = {Role = ["member", "admin"]}
                [[redirects]]
                from = "/members/*"
                to = "/login.html"
                status = 401
                force = true
                """, List.of(
                row("/members/a.html", MEMBER, true, "200 /members/a.html"),
                row("/members/a.html", ADMIN, true, "200 /members/a.html"),
                row("/members/a.html", ANONYMOUS, true, "401 /login.html"),
                // Spellings a case-insensitive file system serves from /members/: the long s, upper case.
                row("/memberſ/a.html", ANONYMOUS, true, "401 /login.html"),
                row("/MEMBERS/a.html", ANONYMOUS, true, "401 /login.html")));
        // Netlify's support answer: an open page, a 404 for signed-in admins, everything for admins, else login.
        check("""
                [[redirects]]
                from = "/auth.html"
                to = "/auth.html"
                status = 200
                [[redirects]]
                from = "/*"
                to = "/404.html"
                status = 404
                conditions = {Role = ["admin"]}
                [[redirects]]
                from = "/*"
                status = 200
                force = true
                conditions = {Role = ["admin"]}
                [[redirects]]
                from = "/*"
                to = "/auth.html"
                status = 401
                force = true
                """, List.of(
                row("/auth.html", ANONYMOUS, true, "pass"),
                row("/reports/q1.html", ANONYMOUS, true, "401 /auth.html"),
                row("/reports/q1.html", ADMIN, true, "pass"),
                row("/reports/missing.html", ADMIN, false, "404 /404.html")));
    }

    @Test
    void rolesComeFromAppMetadataRolesAndAuthorizationRoles() {
        assertEquals(Set.of("admin"), Roles.of(Map.of("roles", List.of("admin"))));
        assertEquals(Set.of("editor", "admin"), Roles.of(Map.of("roles", List.of("editor"),
                "authorization", Map.of("roles", List.of("admin")))));
        assertEquals(Set.of(), Roles.of(null));
        assertEquals(Set.of(), Roles.of(Map.of("roles", List.of(1, 2))));
        assertEquals(Set.of(), Roles.of(Map.of("provider", "email")));
    }

    @Test
    void onlyInPlaceRewritesCanBeForwardAuthsAndRolesAreAskedForOnlyWhereAGuardMatches() {
        SiteRules rules = SiteRules.parse(SEED + """
                [[redirects]]
                from = "/*"
                to = "/index.html"
                status = 200
                """, "netlify.toml");
        assertEquals(List.of(true, false, false), rules.rules().stream().map(RedirectRule::rewritesInPlace).toList());
        assertTrue(rules.asksForRoles("/admin/x"));
        assertFalse(rules.asksForRoles("/about"));
        assertEquals(2, rules.rules().get(0).line());
        assertEquals(8, rules.rules().get(1).line());
    }

    @Test
    void otherTablesAreIgnoredAndAFileWithoutRedirectsHasNoRules() {
        SiteRules rules = SiteRules.parse("""
                [build]
                publish = "dist"
                [[headers]]
                for = "/*"
                [headers.values]
                X-Frame-Options = "DENY"
                [functions]
                directory = "netlify/functions"
                """, "netlify.toml");
        assertEquals(List.of(), rules.rules());
        assertEquals(Decision.PASS, rules.decide("/x", null, ANONYMOUS, false));
    }

    /** Each refused file, and the one line it is refused with: never a rule set applied in part. */
    @Test
    void whatCannotBeAppliedIsRefusedInOneLineNamingTheLine() {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("[[redirects]]\nfrom = \"/a\"\nto = \"/b\"\nstatus = 200\n[[redirects\n",
                        "netlify.toml line 5: not valid TOML"),
                Map.entry(SEED + "[[redirects]]\nfrom = \"/x\"\nto = \"/y\"\nstatus = 250\n",
                        "netlify.toml line 15: status = 250 is not supported"),
                Map.entry("[[redirects]]\nfrom = \"/\"\nto = \"/anz\"\nstatus = 302\n"
                        + "conditions = {Country = [\"au\"]}\n",
                        "netlify.toml line 5: the Country condition is not supported"),
                Map.entry("[[redirects]]\nfrom = \"/\"\nto = \"/fr\"\nconditions = {Language = [\"fr\"]}\n",
                        "netlify.toml line 4: the Language condition is not supported"),
                Map.entry("[[redirects]]\nfrom = \"/store\"\nto = \"/blog/:id\"\nquery = {id = \":id\"}\n",
                        "netlify.toml line 4: query conditions (query = {...}) are not supported"),
                Map.entry("[[redirects]]\nto = \"/b\"\n", "netlify.toml line 1: from is missing"),
                Map.entry("[[redirects]]\nfrom = \"/a\"\nstatus = 302\n", "netlify.toml line 1: to is missing"),
                Map.entry("[[redirects]]\nfrom = \"/a/*\"\nto = \"/b/:slug\"\n",
                        "netlify.toml line 3: to uses :slug, which from = \"/a/*\" does not bind"),
                Map.entry("[[redirects]]\nfrom = \"/api/*\"\nto = \"https://api.example.com/:splat\"\nstatus = 200\n",
                        "netlify.toml line 3: to = \"https://api.example.com/:splat\" with status 200 would proxy"),
                Map.entry("[[redirects]]\nfrom = \"/a/*/b\"\nto = \"/b\"\n",
                        "netlify.toml line 2: from = \"/a/*/b\": * may only be the last segment"),
                Map.entry("[[redirects]]\nfrom = \"https://old.example.com/*\"\nto = \"/b\"\n",
                        "netlify.toml line 2: from = \"https://old.example.com/*\": rules for other domains"),
                Map.entry("[[redirects]]\nfrom = \"/a\"\nto = \"/b\"\nforce = \"yes\"\n",
                        "netlify.toml line 4: force must be true or false"),
                Map.entry("[[redirects]]\nfrom = \"/a\"\nto = \"/b\"\nsignd = true\n",
                        "netlify.toml line 4: unknown key signd"),
                Map.entry("redirects = \"/a /b\"\n", "netlify.toml line 1: redirects must be an array of tables"));
        List<String> wrong = new ArrayList<>();
        refused.forEach((toml, start) -> {
            try {
                SiteRules.parse(toml, "netlify.toml");
                wrong.add("accepted: " + toml);
            } catch (SiteRulesException e) {
                if (!e.getMessage().startsWith(start) || e.getMessage().contains("\n")) {
                    wrong.add("'" + e.getMessage() + "' does not start with '" + start + "'");
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void roleNamesMustBeNamed() {
        assertThrows(SiteRulesException.class, () -> SiteRules.parse(
                "[[redirects]]\nfrom = \"/a\"\nstatus = 200\nconditions = {Role = []}\n", "netlify.toml"));
    }
}

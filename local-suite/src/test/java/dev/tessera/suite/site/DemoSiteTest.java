package dev.tessera.suite.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tessera.site.Decision;
import dev.tessera.site.SiteRules;
import dev.tessera.site.Visitor;

/** The built-in demo site the launcher serves without --site: found in a checkout, its rules those of the seed. */
class DemoSiteTest {

    /** The checkout these tests run in (Maven runs them from local-suite/). */
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theCheckoutHasTheDemoSiteWithItsPagesAndFunction() {
        Path site = DemoSite.folder(REPOSITORY).orElseThrow();
        for (String file : new String[] { "index.html", "admin/index.html", "js/home.js", "js/admin-console.js",
                "netlify/functions/whoami.mjs" }) {
            assertTrue(Files.isRegularFile(site.resolve(file)), file);
        }
        assertEquals(Set.of(), SiteFunctions.identityEvents(SiteFunctions.folder(site).orElseThrow()));
    }

    @Test
    void itsRulesOpenTheAdminAreaToAdminsAndSendEveryoneElseHome() {
        SiteRules rules = LocalSite.rules(DemoSite.folder(REPOSITORY).orElseThrow());
        assertEquals(2, rules.rules().size());
        Visitor admin = new Visitor("1", "ada@example.com", Set.of("admin"));
        Visitor member = new Visitor("2", "bob@example.com", Set.of("member"));
        assertInstanceOf(Decision.Rewrite.class, rules.decide("/admin/", null, admin, true));
        for (Visitor other : new Visitor[] { member, Visitor.ANONYMOUS }) {
            Decision decision = rules.decide("/admin/", null, other, true);
            Decision.Redirect home = assertInstanceOf(Decision.Redirect.class, decision);
            assertEquals("/", home.location());
            assertEquals(302, home.status());
        }
        assertInstanceOf(Decision.Pass.class, rules.decide("/", null, Visitor.ANONYMOUS, true));
    }

    @Test
    void aCheckoutWithoutItHasNoDefaultSite() {
        assertFalse(DemoSite.folder(dir).isPresent());
    }

    @Test
    void theBannerSaysWhenItsScriptIsNotBuilt() throws Exception {
        Path site = Files.createDirectories(dir.resolve(DemoSite.FOLDER));
        assertTrue(DemoSite.note(site).contains("NOT BUILT"));
        Files.createDirectories(site.resolve("vendor"));
        Files.writeString(site.resolve(DemoSite.BUNDLE), "export {};");
        assertEquals("the demo site", DemoSite.note(site));
    }
}

package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The rule of docs/decisions/2026-12-01-migrations-and-rolling-upgrades.md, checked on every versioned migration the
 * services run at startup: schema changes only (a data migration runs for as long as the table is large, and startup
 * has a probe's budget), and a contracting change (dropping or renaming what the previous release still uses) says
 * which release stopped using it, so that it lands one release after the expand. Migrations released before the rule
 * are listed and keep their checksums.
 */
class MigrationRulesTest {

    /** Released before the rule; Flyway refuses to start a service whose applied migration changed. */
    private static final Set<String> RELEASED_BEFORE_THE_RULE = Set.of(
            "auth-service/V4__refresh_token_retention.sql", "auth-service/V5__sessions_and_rotations.sql",
            "auth-service/V10__rate_limits_gcra.sql", "user-service/V6__audit_audience.sql");

    /** An update, a delete or an insert of selected rows, as a statement of its own. */
    private static final Pattern DATA = Pattern.compile("(?is)(^|;)\\s*(update\\s+\\S+\\s+(\\S+\\s+)?set\\b"
            + "|delete\\s+from\\b|insert\\s+into\\s+[^;]*?\\bselect\\b)");
    /** Dropping, renaming, retyping or tightening what the previous release may still use. */
    private static final Pattern CONTRACT = Pattern.compile("(?i)\\b(drop\\s+(column|table)|rename\\s+(to|column)"
            + "|set\\s+not\\s+null|alter\\s+column\\s+\\S+\\s+(set\\s+data\\s+)?type)\\b");
    private static final Pattern CONTRACT_NOTE = Pattern.compile("(?m)^-- contract: .*release.*$");

    @Test
    void startupMigrationsChangeTheSchemaOnlyAndContractOneReleaseAfterTheExpand() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (String service : Manifests.SERVICES) {
            Path dir = DeployFiles.repoRoot().resolve(service + "/src/main/resources/db/migration");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches("V\\d+__.+\\.sql")).toList()) {
                    String name = service + "/" + file.getFileName();
                    checked++;
                    if (RELEASED_BEFORE_THE_RULE.contains(name)) {
                        continue;
                    }
                    String sql = withoutComments(Files.readString(file));
                    if (DATA.matcher(withoutFunctionBodies(sql)).find()) {
                        broken.add(name + " moves data at startup: run it as the decision note says, outside the "
                                + "startup probe's budget");
                    }
                    if (CONTRACT.matcher(sql).find() && !CONTRACT_NOTE.matcher(Files.readString(file)).find()) {
                        broken.add(name + " drops or renames something without a '-- contract: ...' line naming "
                                + "the release that stopped using it");
                    }
                }
            }
        }
        assertTrue(checked >= 10, "found the services' migrations: " + checked);
        assertEquals(List.of(), broken);
    }

    @Test
    void theRuleRecognisesWhatItForbids() {
        assertTrue(DATA.matcher("alter table t add column a text;\nupdate t set a = 'x';").find());
        assertTrue(DATA.matcher("insert into s (id)\nselect id from t;").find());
        assertTrue(DATA.matcher("delete from t where x;").find());
        assertTrue(!DATA.matcher("insert into t (id) values (1);").find());
        assertTrue(CONTRACT.matcher("alter table t drop column a;").find());
        assertTrue(CONTRACT.matcher("alter table t alter column a set not null;").find());
        assertTrue(!CONTRACT.matcher("alter table t alter column a drop not null;").find());
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?m)--.*$", "");
    }

    /** Statements inside a function body run when the function does, not at migration time. */
    private static String withoutFunctionBodies(String sql) {
        return sql.replaceAll("(?s)\\$\\$.*?\\$\\$", "");
    }
}

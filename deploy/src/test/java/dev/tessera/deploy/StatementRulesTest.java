package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The rule of docs/decisions/2026-12-03-prepared-statements.md, checked on every string literal of the services' and
 * the platform's code: no {@code *} in a statement's select or returning list. Statements are prepared once per
 * connection, and PostgreSQL refuses a prepared statement whose result columns changed ("cached plan must not change
 * result type"), which is what a rolling upgrade's expand migration does to a running previous release's
 * {@code select *}.
 */
class StatementRulesTest {

    private static final List<String> MODULES = List.of("platform", "auth-service", "user-service", "hook-service",
            "mail-service");

    /**
     * The {@code *}s that are safe because the relation they expand names its own columns: file, the literal's
     * select list, and why.
     */
    private static final List<Allowed> EXPANDS_A_NAMED_LIST = List.of(new Allowed(
            "user-service/src/main/java/dev/tessera/user/authenticate/PasswordAttempts.java", " select u.*, ",
            "u is UserReader.byEmailQuery, a subquery that names its columns"));

    private record Allowed(String file, String literalPart, String why) {
        boolean covers(String file, String literal) {
            return this.file.equals(file) && literal.contains(literalPart);
        }
    }

    /** A Java string literal or text block. */
    private static final Pattern LITERAL = Pattern.compile("(?s)\"\"\".*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    /** {@code select *}, {@code select distinct *}, {@code returning *}, or {@code alias.*} in a select list. */
    private static final Pattern STAR = Pattern.compile("(?i)\\b(select\\s+(distinct\\s+)?\\*|returning\\s+\\*"
            + "|select\\b[^;]*?\\b[a-z_][a-z0-9_]*\\.\\*)");

    @Test
    void noStatementSelectsAStar() throws IOException {
        List<String> broken = new ArrayList<>();
        int files = 0;
        for (String module : MODULES) {
            Path sources = DeployFiles.repoRoot().resolve(module + "/src/main/java");
            try (Stream<Path> walk = Files.walk(sources)) {
                for (Path file : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                    files++;
                    String name = DeployFiles.repoRoot().relativize(file).toString().replace('\\', '/');
                    Matcher literal = LITERAL.matcher(Files.readString(file));
                    while (literal.find()) {
                        String text = literal.group();
                        if (STAR.matcher(text).find()
                                && EXPANDS_A_NAMED_LIST.stream().noneMatch(allowed -> allowed.covers(name, text))) {
                            broken.add(name + ": " + literal.group() + " selects a * (name the columns)");
                        }
                    }
                }
            }
        }
        assertTrue(files > 100, "found the services' sources: " + files);
        assertEquals(List.of(), broken);
    }

    @Test
    void theRuleRecognisesWhatItForbids() {
        assertTrue(STAR.matcher("select * from users where id = $1").find());
        assertTrue(STAR.matcher("SELECT DISTINCT * FROM t").find());
        assertTrue(STAR.matcher("update t set a = 1 returning *").find());
        assertTrue(STAR.matcher(" select u.*, r.failures from reserved r").find());
        assertFalse(STAR.matcher("select count(*) from users").find());
        assertFalse(STAR.matcher("select id, email from users").find());
        assertFalse(STAR.matcher("tessera.mail.retry.*").find());
        Matcher literal = LITERAL.matcher("String s = \"a \\\"quoted\\\" select *\"; // select * here is no literal");
        assertTrue(literal.find());
        assertTrue(STAR.matcher(literal.group()).find());
        assertFalse(literal.find());
    }
}

package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.SuiteService;

/**
 * A built service refuses to start with a published JWT secret or one shorter than 32 bytes, or without
 * GOTRUE_SITE_URL, with one line on standard error and exit code 78, unless it runs as part of the local run, which
 * accepts the secrets with a warning (and always sets the site's address).
 * mail-service stands for all four (the check is platform's); logs go to {@code target/e2e-logs/secret-check/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretCheckEndToEndTest {

    private static final String PUBLISHED = "local-development-secret-do-not-use-in-production";
    private static final String THIRTY_ONE_BYTES = "0123456789abcdef0123456789abcde";
    private static final String GOOD = "e2e-secret-check-a-random-enough-secret-0123456789";
    private static final Path LOGS = Path.of("target", "e2e-logs", "secret-check").toAbsolutePath();

    private TestStack stack;
    private final List<ChildProcess> started = new ArrayList<>();

    @BeforeAll
    void infrastructure() throws Exception {
        stack = TestStack.start(false);
        Files.createDirectories(LOGS);
    }

    @AfterAll
    void stop() throws Exception {
        for (ChildProcess process : started) {
            process.close();
        }
        stack.close();
    }

    /** The environment the launcher gives the service process {@code name}, with this secret. */
    private Map<String, String> localRun(String name, String secret, int port) {
        return ServiceEnvironment.forService(ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), null, 0, "http://localhost:8081"), Map.of(),
                LocalSecrets.given(secret, "e2e-operator-token-secret-check")), name, port);
    }

    /** The same outside a local run, as a deployment starts it. */
    private Map<String, String> deployment(String name, String secret, int port) {
        Map<String, String> env = localRun(name, secret, port);
        env.remove(ServiceEnvironment.LOCAL_RUN);
        return env;
    }

    @Test
    void outsideTheLocalRunAPublishedOrShortSecretStopsTheStartWithOneLine() throws Exception {
        Process published = start("published", deployment("published", PUBLISHED, E2e.freePort()));
        Process tooShort = start("short", deployment("short", THIRTY_ONE_BYTES, E2e.freePort()));
        assertRefused(published, "published", "Refusing to start: GOTRUE_JWT_SECRET is a published example value, "
                + "so anyone can sign tokens with it; set a random one of at least 32 bytes, e.g. "
                + "$(openssl rand -base64 48)");
        assertRefused(tooShort, "short", "Refusing to start: GOTRUE_JWT_SECRET is 31 bytes long, HS256 needs at "
                + "least 32 (RFC 7518 section 3.2); set a random one of at least 32 bytes, e.g. "
                + "$(openssl rand -base64 48)");
    }

    @Test
    void outsideTheLocalRunTheSiteUrlMustBeGivenAndAGoodSetStarts() throws Exception {
        Map<String, String> noSite = deployment("no-site", GOOD, E2e.freePort());
        noSite.remove("GOTRUE_SITE_URL");
        assertRefused(start("no-site", noSite), "no-site", "Refusing to start: GOTRUE_SITE_URL is not set; mailed"
                + " links, OAuth sign-ins and the session cookie are made from the site's address: set it, e.g."
                + " https://example.com");

        // A log level GoTrue would refuse to start on only costs a warning here.
        int port = E2e.freePort();
        Map<String, String> good = deployment("deployed", GOOD, port);
        good.put("GOTRUE_LOG_LEVEL", "verbose");
        ChildProcess deployed = startService("deployed", good);
        E2e.awaitReady(HttpClient.newHttpClient(), SuiteService.MAIL, deployed, port);
        assertTrue(Files.readString(deployed.log()).contains("GOTRUE_LOG_LEVEL=verbose is not a log level (panic, "
                + "fatal, error, warn, info, debug or trace)"), deployed.tail(40));
    }

    @Test
    void theLocalRunAcceptsBothWithAWarning() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int shortPort = E2e.freePort();
        int publishedPort = E2e.freePort();
        ChildProcess withShort = startService("local-short", localRun("local-short", THIRTY_ONE_BYTES, shortPort));
        ChildProcess withPublished = startService("local-published", localRun("local-published", PUBLISHED,
                publishedPort));
        E2e.awaitReady(http, SuiteService.MAIL, withShort, shortPort);
        E2e.awaitReady(http, SuiteService.MAIL, withPublished, publishedPort);
        assertTrue(Files.readString(withShort.log()).contains("GOTRUE_JWT_SECRET is 31 bytes long, HS256 needs at "
                + "least 32 (RFC 7518 section 3.2)"), withShort.tail(40));
        assertTrue(Files.readString(withPublished.log()).contains("GOTRUE_JWT_SECRET is a published example value"),
                withPublished.tail(40));
    }

    private Process start(String name, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(E2e.JVM_OPTIONS, "-jar",
                SuiteService.MAIL.runnableJar(E2e.repoRoot()).toString()))
                .directory(E2e.repoRoot().toFile())
                .redirectOutput(LOGS.resolve(name + ".out").toFile())
                .redirectError(LOGS.resolve(name + ".err").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    private ChildProcess startService(String name, Map<String, String> env) {
        ChildProcess process = ChildProcess.start(name, JavaCommand.of(E2e.JVM_OPTIONS, "-jar",
                SuiteService.MAIL.runnableJar(E2e.repoRoot()).toString()), env, E2e.repoRoot(),
                LOGS.resolve(name + ".log"));
        started.add(process);
        return process;
    }

    private static void assertRefused(Process process, String name, String line) throws Exception {
        boolean ended = process.waitFor(4, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String out = Files.readString(LOGS.resolve(name + ".out"));
        String err = Files.readString(LOGS.resolve(name + ".err"));
        assertTrue(ended, name + " did not stop: " + out);
        assertEquals(78, process.exitValue(), name + ": " + err);
        assertEquals(List.of(line), err.lines().filter(l -> !l.isBlank()).toList(), name);
        assertFalse(out.contains("\tat ") || err.contains("\tat "), name + " printed a stack trace: " + out);
        assertFalse(out.contains("started in"), name + " must not have started: " + out);
    }
}

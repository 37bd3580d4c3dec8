package dev.tessera.suite.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.mail.MailInbox;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;

/**
 * One process of each service from its built jar, behind the gateway, on a fresh test stack (database, the run's
 * broker under its own topic prefix, GreenMail): the suite as a test that is about its settings starts it. Service
 * logs are in {@code local-suite/target/e2e-logs/<name>/<module>.log}.
 */
final class GatewayedFleet implements AutoCloseable {

    final Path logs;
    final String base;
    private final int gatewayPort;
    final PublicApi api;
    final MailInbox inbox;
    private final TestStack stack;
    private ServiceFleet fleet;
    private Vertx vertx;
    private Gateway gateway;

    private GatewayedFleet(String name, TestStack stack, int gatewayPort) {
        this.logs = Path.of("target", "e2e-logs", name).toAbsolutePath();
        this.stack = stack;
        this.gatewayPort = gatewayPort;
        this.base = "http://localhost:" + gatewayPort;
        this.api = new PublicApi(base, logs);
        this.inbox = MailInbox.of(stack.greenMail());
    }

    /**
     * Starts the suite with the launcher's environment for this stack, the site at the gateway's address, and then
     * {@code settings} applied to it.
     */
    static GatewayedFleet start(String name, String jwtSecret, String operatorToken,
            Consumer<Map<String, String>> settings) throws Exception {
        GatewayedFleet started = new GatewayedFleet(name, TestStack.start(true), E2e.freePort());
        try {
            started.launch(jwtSecret, operatorToken, settings);
            return started;
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    private void launch(String jwtSecret, String operatorToken, Consumer<Map<String, String>> settings) {
        Map<SuiteService, Integer> ports = E2e.freePorts();
        Map<String, String> env = E2e.suiteEnvironment(stack, base, ports, jwtSecret, operatorToken);
        env.put("GOTRUE_SITE_URL", base);
        settings.accept(env);
        fleet = ServiceFleet.start(ServiceFleet.Launch.oneEach(E2e.repoRoot(), ports, env, E2e.JVM_OPTIONS, logs,
                Duration.ofMinutes(4)), line -> {
                });
        vertx = Vertx.vertx();
        gateway = Gateway.start(vertx, "localhost", gatewayPort, ports, AccessLog.to(logs.resolve("gateway.log")));
    }

    /** The token of the newest mail to {@code to} whose link carries {@code #<key>=}, waiting for it. */
    String awaitToken(String to, String key) {
        return E2e.awaitLinkToken(inbox, base, to, key, Duration.ofSeconds(90));
    }

    @Override
    public void close() throws Exception {
        E2e.closeInOrder(gateway, E2e.closing(vertx), fleet, stack);
    }
}

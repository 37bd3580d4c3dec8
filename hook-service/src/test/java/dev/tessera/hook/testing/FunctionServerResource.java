package dev.tessera.hook.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FunctionServer} before hook-service and points the configuration at it. Init args:
 * <ul>
 * <li>{@code listen=false}: the port is reserved but nothing listens yet (the test starts it);</li>
 * <li>{@code functions}: the value of {@code tessera.functions.identity} (default: all six identity functions);</li>
 * <li>{@code webhook=false}: no {@code GOTRUE_WEBHOOK_URL};</li>
 * <li>any {@code config.<property>=<value>}: passed through as configuration.</li>
 * </ul>
 * Functions live under {@code /fn}, the webhook at {@code /webhook}.
 */
public class FunctionServerResource implements QuarkusTestResourceLifecycleManager {

    public static final String ALL_FUNCTIONS = "identity-validate,identity-signup,identity-login,"
            + "identity-validate-background,identity-signup-background,identity-login-background";
    public static final String WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789";
    public static final String WEBHOOK_EVENTS = "validate,login,usermodified,userdeleted";

    private Map<String, String> args = Map.of();
    private FunctionServer server;

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        server = FunctionServer.reserve();
        if (!"false".equals(args.get("listen"))) {
            server.listen();
        }
        Map<String, String> config = new HashMap<>();
        config.put("tessera.functions.url", server.url("/fn"));
        config.put("tessera.functions.identity", args.getOrDefault("functions", ALL_FUNCTIONS));
        if (!"false".equals(args.get("webhook"))) {
            config.put("gotrue.webhook.url", server.url("/webhook"));
            config.put("gotrue.webhook.secret", WEBHOOK_SECRET);
            config.put("gotrue.webhook.events", WEBHOOK_EVENTS);
        }
        config.put("tessera.hooks.signature", "both");
        // Timeout tests must not open the breaker for the tests after them; CircuitBreakerTest lowers it.
        config.put("tessera.hooks.circuit-breaker.request-volume", "1000");
        args.forEach((key, value) -> {
            if (key.startsWith("config.")) {
                config.put(key.substring("config.".length()), value);
            }
        });
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectFunctionServer.class, FunctionServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}

package dev.tessera.platform.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link TestStack} for a service under test and points the service at it. Init argument
 * {@code smtp=true} adds a GreenMail server; the GoTrue SMTP settings then name it.
 */
public class TesseraTestResource implements QuarkusTestResourceLifecycleManager {

    private TestStack stack;
    private boolean smtp;

    @Override
    public void init(Map<String, String> initArgs) {
        smtp = Boolean.parseBoolean(initArgs.getOrDefault("smtp", "false"));
    }

    @Override
    public Map<String, String> start() {
        stack = TestStack.start(smtp);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", stack.database().jdbcUrl());
        config.put("quarkus.datasource.reactive.url", stack.database().reactiveUrl());
        config.put("quarkus.datasource.username", stack.database().user());
        config.put("quarkus.datasource.password", stack.database().password());
        config.put("kafka.bootstrap.servers", stack.bootstrapServers());
        config.put("tessera.kafka.topic-prefix", stack.topicPrefix());
        if (smtp) {
            config.put("gotrue.smtp.host", "127.0.0.1");
            config.put("gotrue.smtp.port", String.valueOf(stack.smtpPort()));
        }
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stack,
                new TestInjector.AnnotatedAndMatchesType(InjectTestStack.class, TestStack.class));
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}

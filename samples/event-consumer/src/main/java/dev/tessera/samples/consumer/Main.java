package dev.tessera.samples.consumer;

import java.util.Optional;

/**
 * Runs the sample against a broker until Ctrl-C. Settings come from the environment: KAFKA_BOOTSTRAP_SERVERS
 * (default: the broker of ./run.sh), TESSERA_KAFKA_TOPIC_PREFIX (default none) and CONSUMER_GROUP. With the
 * arguments {@code verify <token>} it checks a user's access token against the suite's published keys instead
 * (TESSERA_JWKS_URL, TESSERA_JWT_ISSUER, TESSERA_JWT_AUD), as the consumer's own API would.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 2 && "verify".equals(args[0])) {
            verify(args[1]);
            return;
        }
        String bootstrap = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
        String topic = env("TESSERA_KAFKA_TOPIC_PREFIX", "") + IdentityEventConsumer.TOPIC;
        String group = env("CONSUMER_GROUP", "sample-event-consumer");
        UserActivity activity = new UserActivity();
        EventHandler printing = (userId, event) -> {
            boolean known = activity.handle(userId, event);
            System.out.println((known ? "handled " : "skipped ") + event.type() + " " + userId
                    + (known ? " -> " + activity.user(userId).orElseThrow() : ""));
            return known;
        };
        IdentityEventConsumer consumer = new IdentityEventConsumer(IdentityEventConsumer.config(bootstrap, group),
                topic, printing, new SeenEvents(100_000));
        System.out.println("Reading " + topic + " from " + bootstrap + " as group " + group + "; Ctrl-C stops.");

        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.stop();
            try {
                // Let the poll loop finish and close the consumer, so the group hands its partitions on at once.
                main.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        try (consumer) {
            consumer.run();
        }
        System.out.println("Stopped: " + consumer.counts());
    }

    private static void verify(String token) {
        UserTokens tokens = new UserTokens(env("TESSERA_JWKS_URL", "http://127.0.0.1:8081/.well-known/jwks.json"),
                Optional.ofNullable(env("TESSERA_JWT_ISSUER", null)), Optional.ofNullable(env("TESSERA_JWT_AUD", null)),
                UserTokens.REFETCH_FLOOR);
        tokens.verify(token).ifPresentOrElse(user -> System.out.println("valid: " + user), () -> {
            System.out.println("refused: not a valid token of a user under the published keys");
            System.exit(1);
        });
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}

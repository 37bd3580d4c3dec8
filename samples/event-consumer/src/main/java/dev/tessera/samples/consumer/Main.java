package dev.tessera.samples.consumer;

/**
 * Runs the sample against a broker until Ctrl-C. Settings come from the environment: KAFKA_BOOTSTRAP_SERVERS
 * (default: the broker of ./run.sh), TESSERA_KAFKA_TOPIC_PREFIX (default none) and CONSUMER_GROUP.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
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

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}

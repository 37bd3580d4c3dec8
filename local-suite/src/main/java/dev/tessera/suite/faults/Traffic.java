package dev.tessera.suite.faults;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.vertx.core.json.JsonObject;

/**
 * The clients of a fault run: each user signs up through the gateway, waits for its confirmation mail, confirms
 * with the mail's token and logs in with its password, as a person with a browser would. A step that fails (no
 * answer, or an error status) is recorded and tried again a moment later (0.5 s, doubling up to 4 s), until it
 * succeeds or its time is up; then the user is given up and the report says at which step. Users arrive at a steady
 * rate, also while the users before them wait out a fault, so traffic flows through every fault.
 */
final class Traffic {

    private static final String PASSWORD = "fault-suite correct horse battery staple";
    private static final Duration STEP_TIME = Duration.ofSeconds(120);
    /** A person clicks again after a moment, then less and less eagerly. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(4);

    /**
     * One request the clients sent, from its start to its answer (or to when it failed); status 0 when no answer came
     * (refused, reset, timed out).
     */
    record Request(String step, Instant startedAt, Instant endedAt, int status, String error) {
        boolean failed() {
            return status < 200 || status >= 300;
        }
    }

    /** What became of one user: {@code givenUpAt} names the step it never got past, null when it completed. */
    record Outcome(String email, Instant finishedAt, String givenUpAt) {
    }

    private record Reply(int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String run;
    private final MailLedger mails;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextUser = new AtomicInteger();
    private final AtomicInteger nextProbe = new AtomicInteger();
    private volatile boolean stopping;
    private ExecutorService users;
    private ScheduledExecutorService arrivals;

    Traffic(String base, String run, MailLedger mails) {
        this.base = base;
        this.run = run;
        this.mails = mails;
    }

    /**
     * Starts a user every 1/{@code usersPerSecond} s, whatever the users before it are doing (people keep arriving
     * during an outage), with at most {@code concurrentUsers} under way; more wait for a place.
     */
    void start(int concurrentUsers, double usersPerSecond) {
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / usersPerSecond);
        users = Executors.newFixedThreadPool(concurrentUsers, daemon("fault-client"));
        arrivals = Executors.newSingleThreadScheduledExecutor(daemon("fault-arrivals"));
        arrivals.scheduleAtFixedRate(() -> {
            if (!stopping) {
                String name = "user-" + nextUser.incrementAndGet();
                users.submit(() -> outcomes.add(user(name)));
            }
        }, 0, interval, TimeUnit.NANOSECONDS);
    }

    /** Starts no more users, lets every user under way finish, and waits for them. */
    void stop() throws InterruptedException {
        stopping = true;
        arrivals.shutdownNow();
        users.shutdown();
        users.awaitTermination(10, TimeUnit.MINUTES);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Users begun and finished (completed or given up). */
    int finishedUsers() {
        return outcomes.size();
    }

    /** Users that completed the whole flow (given-up ones not counted). */
    int completedUsers() {
        return (int) outcomes.stream().filter(o -> o.givenUpAt() == null).count();
    }

    List<Outcome> outcomes() {
        return new ArrayList<>(outcomes);
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /**
     * One more user, made apart from the steady traffic to see when the suite works again: returns once its whole
     * flow completed or was given up.
     */
    Outcome probe() {
        Outcome outcome = user("probe-" + nextProbe.incrementAndGet());
        outcomes.add(outcome);
        return outcome;
    }

    /** The address of a user of this run, by its name ({@code user-12}). */
    String email(String name) {
        return name + "-" + run + "@faults.example.com";
    }

    private Outcome user(String name) {
        String email = email(name);
        Instant deadline = Instant.now().plus(STEP_TIME);
        Reply signup = untilDone("signup", deadline, () -> post("signup", "/signup", json(new JsonObject()
                .put("email", email).put("password", PASSWORD))), reply -> false);
        if (signup == null) {
            return new Outcome(email, Instant.now(), "signup");
        }
        Optional<MailLedger.Mail> mail = awaitMail(email, Instant.now().plus(STEP_TIME));
        if (mail.isEmpty() || mail.get().confirmationToken() == null) {
            return new Outcome(email, Instant.now(), "confirmation mail");
        }
        // A retried /verify whose first attempt did commit finds its token used (4xx): the user is confirmed then,
        // and the login shows whether it is.
        untilDone("verify", Instant.now().plus(STEP_TIME), () -> post("verify", "/verify", json(new JsonObject()
                .put("type", "signup").put("token", mail.get().confirmationToken()))), reply -> reply.status() < 500
                        && reply.status() != 429 && reply.status() != 0);
        Reply login = untilDone("login", Instant.now().plus(STEP_TIME), () -> post("login", "/token",
                form("grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))), reply -> false);
        if (login == null) {
            return new Outcome(email, Instant.now(), "login");
        }
        return new Outcome(email, Instant.now(), null);
    }

    /**
     * Sends until a 2xx answer (returned), or until {@code deadline} or an answer {@code enough} accepts (null
     * returned for either). A 4xx other than 429 is final: trying again would not change it.
     */
    private Reply untilDone(String step, Instant deadline, java.util.function.Supplier<Reply> send,
            Predicate<Reply> enough) {
        Duration pause = FIRST_PAUSE;
        while (true) {
            Reply reply = send.get();
            if (reply.status() >= 200 && reply.status() < 300) {
                return reply;
            }
            if (enough.test(reply)) {
                return null;
            }
            boolean retryable = reply.status() == 0 || reply.status() >= 500 || reply.status() == 429;
            if (!retryable || Instant.now().isAfter(deadline)) {
                return null;
            }
            sleep(pause);
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    private Optional<MailLedger.Mail> awaitMail(String email, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            Optional<MailLedger.Mail> mail = mails.first(email);
            if (mail.isPresent()) {
                return mail;
            }
            sleep(Duration.ofMillis(100));
        }
        return Optional.empty();
    }

    private Reply post(String step, String path, HttpRequest.Builder request) {
        Instant started = Instant.now();
        try {
            HttpResponse<String> response = http.send(request.uri(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            requests.add(new Request(step, started, Instant.now(), response.statusCode(), null));
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            requests.add(new Request(step, started, Instant.now(), 0, e.getClass().getSimpleName()));
            return new Reply(0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.add(new Request(step, started, Instant.now(), 0, "interrupted"));
            return new Reply(0, null);
        }
    }

    private static HttpRequest.Builder json(JsonObject body) {
        return HttpRequest.newBuilder().header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    private static HttpRequest.Builder form(String body) {
        return HttpRequest.newBuilder().header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

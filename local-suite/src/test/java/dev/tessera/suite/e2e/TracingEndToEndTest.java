package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.e2e.OtlpReceiver.ExportedSpan;
import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.mail.MailInbox;
import dev.tessera.suite.process.Poll;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Traces and request ids across the suite, end to end: the four services from their built jars behind the gateway,
 * exporting their spans over OTLP/HTTP to a receiver the test runs ({@code OTEL_EXPORTER_OTLP_ENDPOINT}), with
 * {@code GOTRUE_API_REQUEST_ID_HEADER=X-Request-ID} as behind a proxy that assigns request ids.
 *
 * <p>A signup is one trace: user-service's {@code /signup} span is its root, and the mail's SMTP send descends from
 * it through the outbox row, the Kafka record and mail-service's consumer; hook-service's consumer of the public
 * event is in it too. A password grant continues the trace an ingress started and keeps its request id from
 * auth-service into user-service. Logs go to
 * {@code local-suite/target/e2e-logs/tracing/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-tracing-test-0123456789";
    private static final String OPERATOR_TOKEN = "e2e-operator-token-tracing-0123456789";
    private static final String REQUEST_ID_HEADER = "X-Request-ID";
    private static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "e2e-logs", "tracing").toAbsolutePath();

    private TestStack stack;
    private Vertx vertx;
    private OtlpReceiver collector;
    private ServiceFleet fleet;
    private Gateway gateway;
    private MailInbox inbox;
    private PublicApi api;

    @BeforeAll
    void startSuite() throws Exception {
        stack = TestStack.start(true);
        inbox = MailInbox.of(stack.greenMail());
        vertx = Vertx.vertx();
        collector = OtlpReceiver.start(vertx);
        int gatewayPort = E2e.freePort();
        String base = "http://localhost:" + gatewayPort;
        api = new PublicApi(base, LOGS);

        Map<SuiteService, Integer> ports = E2e.freePorts();
        Map<String, String> env = E2e.suiteEnvironment(stack, base, ports, SECRET, OPERATOR_TOKEN);
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
        env.put("GOTRUE_API_REQUEST_ID_HEADER", REQUEST_ID_HEADER);
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        // Export within a fraction of a second instead of the batch processor's 5 s, so the test waits less.
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "PT0.2S");

        fleet = ServiceFleet.start(ServiceFleet.Launch.oneEach(E2e.repoRoot(), ports, env, E2e.JVM_OPTIONS, LOGS,
                Duration.ofMinutes(4)), line -> {
                });
        gateway = Gateway.start(vertx, "localhost", gatewayPort, ports, AccessLog.to(LOGS.resolve("gateway.log")));
        try (Admin admin = E2e.admin(stack.bootstrapServers())) {
            E2e.awaitReading(admin, stack.topicPrefix() + "hook-service", Topic.EVENTS.name(stack.topicPrefix()),
                    ASYNC_TIMEOUT);
        }
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway, fleet, collector, E2e.closing(vertx), stack);
    }

    @Test
    void aSignupIsOneTraceFromItsRequestToTheSmtpSend() throws Exception {
        String requestId = "e2e-signup-" + UUID.randomUUID();
        String email = "trace-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Reply signup = api.call("POST", "/signup", "application/json", new JsonObject().put("email", email)
                .put("password", "correct horse battery staple").encode(), REQUEST_ID_HEADER, requestId);
        assertEquals(200, signup.status(), signup.describe());
        assertEquals(requestId, signup.header(REQUEST_ID_HEADER), "the proxy's request id is echoed");
        Poll.until("no mail to " + email, ASYNC_TIMEOUT).every(Duration.ofMillis(250))
                .check(() -> !inbox.messages(email).isEmpty());

        ExportedSpan root = awaitSpan("user-service's /signup span", span -> "user-service".equals(span.service())
                && span.kind() == ExportedSpan.SERVER && requestId.equals(span.attributes().get("tessera.request_id")));
        assertEquals("", root.parentSpanId(), "the signup starts the trace (the client sent no traceparent)");

        awaitSpans("the SMTP send of the signup's mail, reached from the /signup span, and hook-service's work in "
                + root.traceId(), () -> {
                    Map<String, ExportedSpan> trace = spansOf(root.traceId());
                    Optional<ExportedSpan> send = smtpSend(trace);
                    return send.isPresent() && descendsFrom(send.get(), root, trace)
                            && trace.values().stream().anyMatch(span -> "hook-service".equals(span.service()));
                });

        Map<String, ExportedSpan> trace = spansOf(root.traceId());
        Set<String> services = trace.values().stream().map(ExportedSpan::service).collect(Collectors.toSet());
        assertTrue(services.containsAll(Set.of("user-service", "mail-service", "hook-service")), services::toString);
        ExportedSpan send = smtpSend(trace).orElseThrow();
        assertEquals("mail-service", send.service());
        List<ExportedSpan> path = path(send, trace);
        assertTrue(path.stream().anyMatch(span -> span.kind() == ExportedSpan.PRODUCER
                && "user-service".equals(span.service())), "through the record the outbox relay published: " + path);
        assertTrue(path.stream().anyMatch(span -> span.kind() == ExportedSpan.CONSUMER
                && "mail-service".equals(span.service())), "and mail-service's consumer: " + path);
        assertTrue(trace.values().stream().noneMatch(span -> span.attributes().values().stream()
                .anyMatch(value -> value.contains(email))), "no span names the recipient");
    }

    @Test
    void aPasswordGrantContinuesTheIngresssTraceAndKeepsItsRequestIdIntoUserService() throws Exception {
        String requestId = "e2e-token-" + UUID.randomUUID();
        // What an ingress that traces sends: its own span, sampled, as the parent of the service's.
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String ingressSpan = traceId.substring(0, 16);
        Reply grant = api.call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=nobody-" + UUID.randomUUID() + "@example.com&password=wrong-password",
                REQUEST_ID_HEADER, requestId, "traceparent", "00-" + traceId + "-" + ingressSpan + "-01");
        assertEquals(400, grant.status(), grant.describe());
        assertEquals(requestId, grant.header(REQUEST_ID_HEADER));

        ExportedSpan auth = awaitSpan("auth-service's /token span", span -> "auth-service".equals(span.service())
                && span.kind() == ExportedSpan.SERVER && requestId.equals(span.attributes().get("tessera.request_id")));
        assertEquals(traceId, auth.traceId(), "the ingress's trace goes on");
        assertEquals(ingressSpan, auth.parentSpanId());
        ExportedSpan user = awaitSpan("user-service's /internal/authenticate span",
                span -> "user-service".equals(span.service()) && span.kind() == ExportedSpan.SERVER
                        && span.traceId().equals(auth.traceId()));
        assertEquals(requestId, user.attributes().get("tessera.request_id"), "the internal call carried the id");
        assertTrue(descendsFrom(user, auth, spansOf(auth.traceId())), "user-service's span is under auth-service's");
    }

    @Test
    void anIdThatIsNotWellFormedIsReplaced() throws Exception {
        Reply settings = api.call("GET", "/settings", null, null, REQUEST_ID_HEADER, "two words");
        assertEquals(200, settings.status(), settings.describe());
        String id = settings.header(REQUEST_ID_HEADER);
        assertNotEquals("two words", id);
        assertEquals(id, UUID.fromString(id).toString());
    }

    @Test
    void aOneTimeTokenInAQueryStringIsNotExported() throws Exception {
        String requestId = "e2e-verify-" + UUID.randomUUID();
        String token = "e2e" + UUID.randomUUID().toString().replace("-", "");
        Reply verify = api.call("GET", "/verify?type=signup&token=" + token, null, null, REQUEST_ID_HEADER,
                requestId);
        assertTrue(verify.status() >= 300 && verify.status() < 500, verify.describe());

        ExportedSpan span = awaitSpan("auth-service's GET /verify span", candidate -> requestId.equals(
                candidate.attributes().get("tessera.request_id")) && candidate.kind() == ExportedSpan.SERVER);
        assertTrue(span.attributes().values().stream().anyMatch(value -> value.contains("type=REDACTED&token=REDACTED")),
                "the query is recorded with its values replaced: " + span);
        assertTrue(collector.spans().stream().noneMatch(any -> any.toString().contains(token)),
                "the token is in no exported span");
    }

    private ExportedSpan awaitSpan(String what, Predicate<ExportedSpan> wanted) {
        ExportedSpan[] found = new ExportedSpan[1];
        awaitSpans(what, () -> {
            found[0] = collector.spans().stream().filter(wanted).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** Polls {@code exported}; on a timeout, the failure lists every span the collector got. */
    private void awaitSpans(String what, Poll.Check exported) {
        try {
            Poll.until(what, ASYNC_TIMEOUT).every(Duration.ofMillis(250)).check(exported);
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "; spans exported: " + collector.spans(), e);
        }
    }

    private Map<String, ExportedSpan> spansOf(String traceId) {
        return collector.spans().stream().filter(span -> span.traceId().equals(traceId))
                .collect(Collectors.toMap(ExportedSpan::spanId, Function.identity(), (a, b) -> a, HashMap::new));
    }

    private static Optional<ExportedSpan> smtpSend(Map<String, ExportedSpan> trace) {
        return trace.values().stream().filter(span -> "smtp send".equals(span.name())).findFirst();
    }

    /** The spans from {@code span} up to its trace's root, as far as they were exported. */
    private static List<ExportedSpan> path(ExportedSpan span, Map<String, ExportedSpan> trace) {
        List<ExportedSpan> path = new ArrayList<>();
        for (ExportedSpan at = span; at != null; at = trace.get(at.parentSpanId())) {
            path.add(at);
        }
        return path;
    }

    private static boolean descendsFrom(ExportedSpan span, ExportedSpan ancestor, Map<String, ExportedSpan> trace) {
        return path(span, trace).stream().anyMatch(at -> at.spanId().equals(ancestor.spanId()));
    }
}

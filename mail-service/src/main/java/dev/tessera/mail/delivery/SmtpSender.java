package dev.tessera.mail.delivery;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.tessera.mail.template.MailContent;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.retry.Backoff;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.ext.mail.SMTPException;

/**
 * Hands a rendered mail to the SMTP server through the reactive Quarkus Mailer, retrying with backoff. The
 * Message-ID is derived from the request id, so a mail that is sent twice after a crash carries the same id twice,
 * which lets mail clients and archives spot the duplicate.
 */
@ApplicationScoped
public class SmtpSender {

    private static final Logger LOG = Logger.getLogger(SmtpSender.class);
    static final String SPAN = "smtp send";
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("tessera.mail.request_id");
    private static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tessera.mail.smtp_attempts");

    private final ReactiveMailer mailer;
    private final Backoff backoff;
    private final Duration attemptTimeout;
    private final String from;
    private final String messageIdDomain;
    private final boolean configured;
    private final Tracer tracer;
    private final SmtpComeback comeback;

    @Inject
    public SmtpSender(ReactiveMailer mailer, GoTrueConfig config, DeliveryConfig delivery, Tracer tracer,
            SmtpComeback comeback) {
        this(mailer, config.smtp().host().filter(host -> !host.isBlank()).isPresent(), config.smtp().adminEmail(),
                Backoff.of(delivery.retry()), delivery.smtpTimeout(), tracer, comeback);
    }

    /** Without tracing, for tests that run no Quarkus; retries wait out their backoff. */
    SmtpSender(ReactiveMailer mailer, boolean configured, String from, Backoff backoff, Duration attemptTimeout) {
        this(mailer, configured, from, backoff, attemptTimeout, TracerProvider.noop().get(SmtpSender.class.getName()),
                null);
    }

    /** Without tracing, for tests that run no Quarkus; retries after a send that got no reply wake on comeback. */
    SmtpSender(ReactiveMailer mailer, String from, Backoff backoff, Duration attemptTimeout, SmtpComeback comeback) {
        this(mailer, true, from, backoff, attemptTimeout, TracerProvider.noop().get(SmtpSender.class.getName()),
                comeback);
    }

    private SmtpSender(ReactiveMailer mailer, boolean configured, String from, Backoff backoff,
            Duration attemptTimeout, Tracer tracer, SmtpComeback comeback) {
        this.tracer = tracer;
        this.comeback = comeback;
        this.mailer = mailer;
        this.backoff = backoff;
        this.attemptTimeout = attemptTimeout;
        this.from = from;
        this.configured = configured;
        int at = from.lastIndexOf('@');
        String domain = at >= 0 ? from.substring(at + 1).replaceAll("[^A-Za-z0-9.-]", "") : "";
        this.messageIdDomain = domain.isEmpty() ? "tessera.invalid" : domain;
    }

    /** False without GOTRUE_SMTP_HOST: GoTrue then sends nothing (its no-op mailer), and neither do we. */
    public boolean configured() {
        return configured;
    }

    public String messageId(UUID requestId) {
        return "<" + requestId + "@" + messageIdDomain + ">";
    }

    /**
     * Sends the mail; emits the number of attempts it took. The send, retries included, is one span of the trace
     * the mail request belongs to (the request that asked for the mail, through the outbox and the topic), named
     * {@value #SPAN}; it carries the request id and the attempts, never the recipient.
     *
     * @param context where retries resume (the caller's Vert.x context)
     * @throws SmtpDeliveryFailed (as the failure) once the attempts are used up or the server refused for good
     */
    public Uni<Integer> send(UUID requestId, String to, MailContent content, Context context) {
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder(SPAN).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(REQUEST_ID, requestId.toString()).startSpan();
            return attempts(requestId, to, content, context)
                    .onItemOrFailure().invoke((tries, failure) -> {
                        if (failure == null) {
                            span.setAttribute(ATTEMPTS, tries.longValue());
                        } else {
                            // The class only: an SMTP reply may quote the recipient.
                            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
                        }
                        span.end();
                    })
                    .onCancellation().invoke(span::end);
        });
    }

    private Uni<Integer> attempts(UUID requestId, String to, MailContent content, Context context) {
        Mail mail = Mail.withHtml(to, content.subject(), content.html())
                .setText(content.text())
                .setFrom(from)
                .addHeader("Message-ID", messageId(requestId));
        AtomicInteger tried = new AtomicInteger();
        return backoff.run(context,
                attempt -> {
                    tried.set(attempt);
                    return mailer.send(mail)
                            .ifNoItem().after(attemptTimeout).failWith(() -> new TimeoutException(
                                    "no answer from the SMTP server within " + attemptTimeout.toMillis() + " ms"))
                            .replaceWith(attempt);
                },
                SmtpSender::worthRetrying,
                (attempt, failure, delay) -> LOG.warnf("SMTP attempt %d of %d for mail request %s failed (%s);"
                        + " retrying in %d ms", attempt, backoff.attempts(), requestId, failure.toString(),
                        delay.toMillis()),
                this::comebackOf)
                .onFailure().transform(failure -> new SmtpDeliveryFailed(tried.get(), failure));
    }

    /**
     * A send that got no reply at all (refused, dropped, timed out) may be the server being down: its retry also
     * wakes when the server answers again. One the server replied to (a 4xx) keeps its backoff.
     */
    private Uni<Void> comebackOf(Throwable failure) {
        return comeback == null || failure instanceof SMTPException ? null : comeback.answersAgain();
    }

    /** A 5xx reply (unknown mailbox, refused sender) will not change on the next try; anything else might. */
    static boolean worthRetrying(Throwable failure) {
        return !(failure instanceof SMTPException smtp && smtp.isPermanent());
    }
}

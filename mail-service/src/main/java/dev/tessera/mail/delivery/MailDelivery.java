package dev.tessera.mail.delivery;

import java.time.Instant;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.tessera.mail.delivery.DeliveryMetrics.Outcome;
import dev.tessera.mail.ledger.SentMail;
import dev.tessera.mail.ledger.SentMailLedger;
import dev.tessera.mail.template.MailRenderer;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.retry.Backoff;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Handles one delivery of a mail request: skip it if the ledger says it was already handled, open the token,
 * render, send, record. The returned Uni completes when the request is done with (its offset may be committed)
 * and fails when it must go to the dead-letter topic.
 *
 * <p>Idempotency is "check, send, record": a redelivered request that was sent or skipped is acknowledged without a
 * mail. The window that remains is a crash (or a lost database) after the SMTP server accepted the mail and before
 * the ledger row committed; that request is mailed again on redelivery, with the same Message-ID.
 */
@ApplicationScoped
public class MailDelivery {

    private static final Logger LOG = Logger.getLogger(MailDelivery.class);

    private final SentMailLedger ledger;
    private final TokenSeal seal;
    private final MailRenderer renderer;
    private final SmtpSender smtp;
    private final DeliveryMetrics metrics;
    private final Backoff backoff;

    @Inject
    public MailDelivery(SentMailLedger ledger, TokenSeal seal, MailRenderer renderer, SmtpSender smtp,
            DeliveryMetrics metrics, DeliveryConfig config) {
        this(ledger, seal, renderer, smtp, metrics, Backoff.of(config.retry()));
    }

    MailDelivery(SentMailLedger ledger, TokenSeal seal, MailRenderer renderer, SmtpSender smtp,
            DeliveryMetrics metrics, Backoff backoff) {
        this.ledger = ledger;
        this.seal = seal;
        this.renderer = renderer;
        this.smtp = smtp;
        this.metrics = metrics;
        this.backoff = backoff;
    }

    /** @param context the Vert.x context the request arrived on; database work always resumes there */
    public Uni<Void> deliver(MailRequest request, Context context) {
        return backoff.run(context, attempt -> ledger.isSettled(request.id()), failure -> true,
                (attempt, failure, delay) -> LOG.warnf("Ledger lookup for mail request %s failed (%s); retrying in"
                        + " %d ms", request.id(), failure.toString(), delay.toMillis()))
                .onFailure().invoke(failure -> {
                    // Nothing was sent: a replay once the database is back is safe.
                    metrics.count(request.kind(), Outcome.DEAD_LETTERED);
                    LOG.warnf("Mail request %s goes to the dead-letter topic: the ledger is unreachable (%s)",
                            request.id(), failure.toString());
                })
                .chain(settled -> {
                    if (settled) {
                        LOG.debugf("Mail request %s was already handled; ignoring the redelivery", request.id());
                        metrics.count(request.kind(), Outcome.DUPLICATE);
                        return Uni.createFrom().voidItem();
                    }
                    return handle(request, context);
                });
    }

    private Uni<Void> handle(MailRequest request, Context context) {
        Executor onContext = command -> context.runOnContext(ignored -> command.run());
        return Uni.createFrom().deferred(() -> {
            String token = open(request);
            if (!smtp.configured()) {
                return skip(request, context);
            }
            return renderer.render(request, token)
                    .onFailure().transform(failure -> new UndeliverableRequest(
                            "the " + request.kind() + " mail could not be rendered: " + failure.getMessage()))
                    .chain(content -> smtp.send(request.id(), request.to(), content, context))
                    .emitOn(onContext)
                    .chain(attempts -> recordSent(request, attempts, context));
        }).onFailure().call(failure -> recordFailure(request, failure));
    }

    private String open(MailRequest request) {
        if (!request.kind().carriesToken()) {
            return null;
        }
        try {
            return seal.open(request.sealedToken(), request.sealBinding());
        } catch (IllegalArgumentException e) {
            return openQueuedByAnEarlierRelease(request);
        }
    }

    /**
     * Requests queued before seals were bound to the recipient were bound to their id alone; they may still be on the
     * topic during an upgrade. A seal bound to the recipient never opens this way, so it cannot be re-addressed.
     */
    private String openQueuedByAnEarlierRelease(MailRequest request) {
        try {
            return seal.open(request.sealedToken(), request.id().toString());
        } catch (IllegalArgumentException e) {
            // Wrong key (GOTRUE_JWT_SECRET / TESSERA_MAIL_SEAL_KEY differ from user-service's), a tampered request,
            // or a sealed token moved to another recipient.
            throw new UndeliverableRequest("the sealed token does not open with this service's key for request "
                    + request.id() + " as addressed");
        }
    }

    private Uni<Void> skip(MailRequest request, Context context) {
        LOG.infof("No SMTP server configured (GOTRUE_SMTP_HOST): %s mail request %s for user %s recorded as skipped",
                request.kind(), request.id(), request.userId());
        return persist(SentMail.skipped(request, Instant.now()), context)
                .invoke(() -> metrics.count(request.kind(), Outcome.SKIPPED));
    }

    private Uni<Void> recordSent(MailRequest request, int attempts, Context context) {
        LOG.infof("Sent %s mail for request %s (user %s) after %d attempt(s)", request.kind(), request.id(),
                request.userId(), attempts);
        metrics.count(request.kind(), Outcome.SENT);
        return persist(SentMail.sent(request, smtp.messageId(request.id()), attempts, Instant.now()), context)
                .onFailure().recoverWithUni(failure -> {
                    // The mail is out: dead-lettering it now would only invite a second copy on replay.
                    LOG.errorf("Mail request %s was sent but could not be recorded (%s); a redelivery would send"
                            + " it again", request.id(), failure.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> recordFailure(MailRequest request, Throwable failure) {
        metrics.count(request.kind(), Outcome.DEAD_LETTERED);
        LOG.warnf("Mail request %s goes to the dead-letter topic: %s", request.id(), failure.getMessage());
        SentMail row = failure instanceof SmtpDeliveryFailed smtpFailure
                ? SentMail.failed(request, smtp.messageId(request.id()), smtpFailure.attempts(), failure.getMessage(),
                        Instant.now())
                : SentMail.failed(request, null, 0, failure.getMessage(), Instant.now());
        return ledger.record(row).onFailure().recoverWithUni(recording -> {
            LOG.warnf("Could not record the failure of mail request %s: %s", request.id(), recording.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> persist(SentMail row, Context context) {
        return backoff.run(context, attempt -> ledger.record(row), failure -> true,
                (attempt, failure, delay) -> LOG.warnf("Recording mail request %s failed (%s); retrying in %d ms",
                        row.requestId, failure.toString(), delay.toMillis()));
    }
}

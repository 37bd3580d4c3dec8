package dev.tessera.user.recover;

import java.time.Duration;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.retry.Backoff;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.mail.UserMails;
import dev.tessera.user.model.EmailAddress;
import dev.tessera.user.ratelimit.UserRateLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /recover}: mails a recovery link. An unknown address answers {@code 200 {}} as a known one does, so
 * the endpoint does not reveal which addresses exist. For the same reason a recipient whose mail allowance is spent
 * gets no mail and the same answer; the limits per client address and per address asked for answer 429, since they
 * count every request alike. Nor does the answer's timing tell: queueing a mail takes a known address some 20 ms
 * more than an unknown one, enough to tell them apart in a dozen tries, so the answer waits until
 * {@value #ANSWER_AFTER_MS} ms after the request came in, which covers that work (GoTrue answered after sending the
 * mail, which takes longer).
 */
@Path("/recover")
public class RecoverResource {

    public static final long ANSWER_AFTER_MS = 250;

    private final RecoverFlow flow;
    private final JsonBody json;
    private final RequestAudience audience;
    private final GoTrueConfig config;
    private final UserRateLimits limits;
    private final ClientAddress clientAddress;

    public RecoverResource(RecoverFlow flow, JsonBody json, RequestAudience audience, GoTrueConfig config,
            UserRateLimits limits, ClientAddress clientAddress) {
        this.flow = flow;
        this.json = json;
        this.audience = audience;
        this.config = config;
        this.limits = limits;
        this.clientAddress = clientAddress;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> recover(byte[] body, @HeaderParam(RequestAudience.HEADER) String audienceHeader,
            @Context HttpServerRequest request) {
        config.external().email().requireEnabled();
        RecoverParams params = json.read(body, RecoverParams.class, "Recover");
        if (params.email() == null || params.email().isBlank()) {
            throw ApiError.unprocessable("Password recovery requires an email");
        }
        String email = params.email().trim();
        String aud = audience.resolve(audienceHeader, null);
        // An address no account can have (a control character, say) is counted and answered as an unknown one.
        boolean reachable = EmailAddress.usable(email).isPresent();
        long received = System.nanoTime();
        io.vertx.core.Context context = Vertx.currentContext();
        return limits.recover(clientAddress.of(request), aud, email)
                .chain(() -> reachable ? flow.recover(email, aud) : Uni.createFrom().voidItem())
                .onFailure(UserMails::overRecipientLimit).recoverWithNull()
                .call(() -> Backoff.sleep(context,
                        Duration.ofMillis(ANSWER_AFTER_MS).minusNanos(System.nanoTime() - received)))
                .replaceWith(Map.of());
    }
}

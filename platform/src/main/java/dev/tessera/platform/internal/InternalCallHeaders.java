package dev.tessera.platform.internal;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import dev.tessera.platform.web.RequestIds;

/**
 * The headers of every call to another service's internal API: the service credential; the id of the request being
 * handled, so the callee logs (and answers a server error) under the same id; and the callee's budget
 * ({@link Deadline}): what is left of this request's own, or {@code tessera.internal.call-budget} when this request
 * has none, which the call's client must wait at least for (its read timeout covers the budget and the margin). The
 * trace context goes along by itself: the REST client is instrumented.
 */
@ApplicationScoped
public class InternalCallHeaders implements ClientHeadersFactory {

    private final ServiceCredential credential;
    private final RequestIds requestIds;
    private final Duration callBudget;

    public InternalCallHeaders(ServiceCredential credential, RequestIds requestIds,
            @ConfigProperty(name = "tessera.internal.call-budget", defaultValue = "PT14S") Duration callBudget) {
        this.credential = credential;
        this.requestIds = requestIds;
        this.callBudget = callBudget;
    }

    /** The budget a call made now gives its callee. */
    public Duration callBudget() {
        return Deadline.forCallee(callBudget);
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.AUTHORIZATION, credential.authorizationHeader());
        headers.putSingle(Deadline.HEADER, Long.toString(callBudget().toMillis()));
        String requestId = RequestIds.current();
        if (requestId != null) {
            headers.putSingle(requestIds.header(), requestId);
        }
        return headers;
    }
}

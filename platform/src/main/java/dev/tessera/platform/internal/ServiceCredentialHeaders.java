package dev.tessera.platform.internal;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;


/**
 * Presents the service credential on every call to another service's internal API, and the callee's budget
 * ({@link Deadline}): what is left of this request's own, or {@code tessera.internal.call-budget} when this request
 * has none. The call's client must wait at least that long (its read timeout covers the budget and the margin).
 */
@ApplicationScoped
public class ServiceCredentialHeaders implements ClientHeadersFactory {

    private final ServiceCredential credential;
    private final Duration callBudget;

    public ServiceCredentialHeaders(ServiceCredential credential,
            @ConfigProperty(name = "tessera.internal.call-budget", defaultValue = "PT14S") Duration callBudget) {
        this.credential = credential;
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
        return headers;
    }
}

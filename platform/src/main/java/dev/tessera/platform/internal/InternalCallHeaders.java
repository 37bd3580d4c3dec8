package dev.tessera.platform.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import dev.tessera.platform.web.RequestIds;

/**
 * The headers of every call to another service's internal API: the service credential, and the id of the request
 * being handled, so the callee logs (and answers a server error) under the same id. The trace context goes along by
 * itself: the REST client is instrumented.
 */
@ApplicationScoped
public class InternalCallHeaders implements ClientHeadersFactory {

    private final ServiceCredential credential;
    private final RequestIds requestIds;

    public InternalCallHeaders(ServiceCredential credential, RequestIds requestIds) {
        this.credential = credential;
        this.requestIds = requestIds;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.AUTHORIZATION, credential.authorizationHeader());
        String requestId = RequestIds.current();
        if (requestId != null) {
            headers.putSingle(requestIds.header(), requestId);
        }
        return headers;
    }
}

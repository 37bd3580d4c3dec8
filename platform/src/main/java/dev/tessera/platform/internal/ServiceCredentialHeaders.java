package dev.tessera.platform.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;


/** Presents the service credential on every call to another service's internal API. */
@ApplicationScoped
public class ServiceCredentialHeaders implements ClientHeadersFactory {

    private final ServiceCredential credential;

    public ServiceCredentialHeaders(ServiceCredential credential) {
        this.credential = credential;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.AUTHORIZATION, credential.authorizationHeader());
        return headers;
    }
}

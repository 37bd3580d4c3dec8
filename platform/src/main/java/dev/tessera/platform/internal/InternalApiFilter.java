package dev.tessera.platform.internal;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.tessera.platform.error.ApiError;

/** Refuses calls to {@link InternalApi} resources that lack the service credential. */
public class InternalApiFilter {

    private final ServiceCredential credential;

    public InternalApiFilter(ServiceCredential credential) {
        this.credential = credential;
    }

    @ServerRequestFilter
    @InternalApi
    public void requireServiceCredential(ContainerRequestContext request) {
        if (!credential.matches(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            throw ApiError.unauthorized("Internal route requires a service credential");
        }
    }
}

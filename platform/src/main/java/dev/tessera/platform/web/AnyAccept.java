package dev.tessera.platform.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every route of the services answers JSON (or a redirect), whatever the request's {@code Accept} asks for, as GoTrue
 * does. Left to content negotiation, a client that asks only for {@code text/html} or {@code text/plain} (an address
 * bar, a script's default headers) would get {@code 406} instead of the answer or the error it needs; so the header is
 * set aside before routes are matched and such a request is answered as one that sent no {@code Accept}.
 * <p>
 * Only the services' own REST routes see this; what the function gateway relays keeps the client's header.
 */
public class AnyAccept {

    @ServerRequestFilter(preMatching = true)
    public void acceptAnything(ContainerRequestContext request) {
        request.getHeaders().remove(HttpHeaders.ACCEPT);
    }
}

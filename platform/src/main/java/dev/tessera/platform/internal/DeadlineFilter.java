package dev.tessera.platform.internal;

import java.time.Duration;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Starts the {@link Deadline} of an internal request from the budget its caller sent. Only internal routes read
 * the header: their callers are the suite's services, and a public client has no say in it.
 */
public class DeadlineFilter {

    @ServerRequestFilter
    @InternalApi
    public void startDeadline(ContainerRequestContext request) {
        String budget = request.getHeaderString(Deadline.HEADER);
        if (budget == null) {
            return;
        }
        try {
            Deadline.begin(Duration.ofMillis(Math.max(0, Long.parseLong(budget.trim()))));
        } catch (NumberFormatException unreadable) {
            // A caller of another version, or a bug: work as if no budget was sent rather than refuse.
        }
    }
}

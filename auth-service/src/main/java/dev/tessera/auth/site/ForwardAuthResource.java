package dev.tessera.auth.site;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.NonBlocking;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.error.ErrorBody;
import dev.tessera.site.Decision;
import dev.tessera.site.Visitor;
import io.smallrye.mutiny.Uni;

/**
 * Forward-auth for an ingress controller in front of a site: it asks here before every page and gets the site's
 * {@code netlify.toml} rules applied to the visitor's token.
 *
 * <ul>
 * <li>{@code 200} when the page may be served, with {@code X-User-Id}, {@code X-User-Email} and {@code X-User-Roles}
 * (comma-separated) for the site to read; empty for a visitor without a valid token, so a value a client sent itself
 * never reaches the site as if it were checked.</li>
 * <li>A redirect rule's status with {@code Location}; to ingress-nginx, which takes no redirect from an auth-url,
 * a {@code 401} with the same {@code Location} (its {@code auth-signin} annotation then sends the browser on).</li>
 * <li>{@code 401} (no valid token) or {@code 403} (a token without the role) when a Role rule closes the page and
 * no later rule applies, or only a rewrite to another path, which the ingress cannot carry out; a rule's own 4xx
 * status (say {@code /members/* /login 401!}) as that status.</li>
 * </ul>
 * It is under {@code /internal}, which no public route reaches: the ingress controller calls the Service directly.
 * It needs no service credential, since it answers only what the caller's own token proves. Every answer is worked
 * out from the token and the rules in memory, and whether the token's session goes on ({@link SiteVisitors}): one
 * lookup of a session by its key, remembered a few seconds.
 */
@Path("/internal/forward-auth")
@NonBlocking
public class ForwardAuthResource {

    static final String USER_ID = "X-User-Id";
    static final String USER_EMAIL = "X-User-Email";
    static final String USER_ROLES = "X-User-Roles";

    private final ForwardAuthRules rules;
    private final SiteVisitors visitors;

    public ForwardAuthResource(ForwardAuthRules rules, SiteVisitors visitors) {
        this.rules = rules;
        this.visitors = visitors;
    }

    // An ingress asks with the page's method (ingress-nginx) or with GET (Traefik); every method gets one answer.
    @GET
    public Uni<Response> get(@Context HttpHeaders headers) {
        return answer(headers);
    }

    @HEAD
    public Uni<Response> head(@Context HttpHeaders headers) {
        return answer(headers);
    }

    @POST
    public Uni<Response> post(@Context HttpHeaders headers) {
        return answer(headers);
    }

    @PUT
    public Uni<Response> put(@Context HttpHeaders headers) {
        return answer(headers);
    }

    @PATCH
    public Uni<Response> patch(@Context HttpHeaders headers) {
        return answer(headers);
    }

    @DELETE
    public Uni<Response> delete(@Context HttpHeaders headers) {
        return answer(headers);
    }

    @OPTIONS
    public Uni<Response> options(@Context HttpHeaders headers) {
        return answer(headers);
    }

    private Uni<Response> answer(HttpHeaders headers) {
        return visitors.of(headers).map(visitor -> answer(headers, visitor));
    }

    private Response answer(HttpHeaders headers, Visitor visitor) {
        ForwardedRequest page = ForwardedRequest.of(headers);
        Decision decision = rules.current().decide(page.path(), page.query(), visitor, false);
        if (decision instanceof Decision.Rewrite rewrite && rewrite.status() == 200 && rewrite.closedBy() != null
                && !rewrite.path().equals(page.path())) {
            // The ingress serves the path it asked about, not the rewrite's: past a Role rule the visitor does not
            // meet, that would be the very file the rule closes (a single-page app's "/* /index.html 200" after
            // "/admin/* Role=admin"). The page stays closed instead.
            decision = new Decision.Deny(rewrite.closedBy());
        }
        if (decision instanceof Decision.Redirect redirect) {
            // ingress-nginx treats any other answer than 2xx, 401 and 403 as a failure of its own (500): it gets a
            // 401, and its auth-signin annotation sends the browser on.
            int status = page.nginx() ? 401 : redirect.status();
            // As the rule wrote it: Response.location would make a relative target absolute against this service.
            Response.ResponseBuilder answer = Response.status(status).header(HttpHeaders.LOCATION,
                    redirect.location());
            if (page.nginx()) {
                answer.type(MediaType.APPLICATION_JSON).entity(new ErrorBody(401, "The site's rules send this page"
                        + " to " + redirect.location(), null));
            }
            return identified(answer, visitor).build();
        }
        if (decision instanceof Decision.Rewrite rewrite && rewrite.status() != 200) {
            throw ApiError.of(rewrite.status(), "The site's rules answer " + rewrite.status() + " here");
        }
        if (decision instanceof Decision.Deny deny) {
            String roles = String.join(", ", deny.guard().roles());
            throw visitor.signedIn() ? ApiError.forbidden("This page needs one of the roles " + roles)
                    : ApiError.unauthorized("This page needs a signed-in user with one of the roles " + roles);
        }
        // Served as it is, or rewritten in place; a rewrite elsewhere was reported at start and reaches the site
        // unchanged.
        return identified(Response.ok(), visitor).build();
    }

    private static Response.ResponseBuilder identified(Response.ResponseBuilder response, Visitor visitor) {
        return response.header(USER_ID, visitor.signedIn() ? visitor.id() : "")
                .header(USER_EMAIL, visitor.signedIn() && visitor.email() != null ? visitor.email() : "")
                .header(USER_ROLES, String.join(",", visitor.roles()))
                .header("Cache-Control", "no-store");
    }
}

package dev.tessera.user.audit;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.admin.AdminCredentials;
import dev.tessera.user.admin.Paging;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /admin/audit?page&per_page&query=<scope>:<text>} (admin), newest first. Scopes: {@code author} (actor
 * email or name), {@code action}, {@code type} (log type). The log is projected from the event stream, so an entry
 * appears shortly after its event. An audience's admins see the entries about users of their audience; the operator
 * and super admins see all.
 */
@Path("/admin/audit")
public class AuditResource {

    private static final Map<String, List<String>> SCOPES = Map.of(
            "author", List.of("actor_email", "actor_name"),
            "action", List.of("action"),
            "type", List.of("log_type"));

    private final AdminCredentials admins;
    private final AuditLog log;

    public AuditResource(AdminCredentials admins, AuditLog log) {
        this.admins = admins;
        this.log = log;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader, @QueryParam("page") String page,
            @QueryParam("per_page") String perPage, @QueryParam("query") String query, @Context UriInfo uri) {
        return admins.require(authorization, audienceHeader, null).chain(caller -> {
            Paging paging = Paging.of(page, perPage);
            AuditLog.Query search = parse(query, caller.global() ? null : caller.aud());
            return Panache.withSession(() -> log.count(search).chain(total -> log.page(search, paging.page(), paging.perPage())
                    .map(entries -> Response.ok(entries)
                            .header("X-Total-Count", total)
                            .header("Link", paging.links(uri.getRequestUri(), total))
                            .build())));
        });
    }

    /** @param aud the only audience whose entries the caller may read, or null for all */
    private static AuditLog.Query parse(String query, String aud) {
        if (query == null || query.isEmpty()) {
            return new AuditLog.Query(List.of(), null, aud);
        }
        int colon = query.indexOf(':');
        String scope = colon < 0 ? query : query.substring(0, colon);
        List<String> keys = SCOPES.get(scope);
        if (colon < 0 || keys == null) {
            throw ApiError.badRequest("Invalid query scope: " + scope);
        }
        if (query.indexOf('\0') >= 0) {
            // PostgreSQL's text holds no NUL: the statement would fail rather than find nothing.
            throw ApiError.badRequest("query must not contain the NUL character");
        }
        return new AuditLog.Query(keys, query.substring(colon + 1), aud);
    }
}

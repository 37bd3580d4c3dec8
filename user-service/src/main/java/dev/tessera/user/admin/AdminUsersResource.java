package dev.tessera.user.admin;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.platform.web.Uuids;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.model.UserView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The admin user API (GoTrue reference §8). Every route needs admin credentials. */
@Path("/admin/users")
public class AdminUsersResource {

    private final AdminCredentials admins;
    private final AdminUsers flow;
    private final UserRepository users;
    private final JsonBody json;
    private final GoTrueConfig config;

    public AdminUsersResource(AdminCredentials admins, AdminUsers flow, UserRepository users, JsonBody json,
            GoTrueConfig config) {
        this.admins = admins;
        this.flow = flow;
        this.users = users;
        this.json = json;
        this.config = config;
    }

    /** A page of users of the request audience: {@code {"users":[…],"aud"}} with X-Total-Count and Link. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader, @QueryParam("page") String page,
            @QueryParam("per_page") String perPage, @QueryParam("sort") List<String> sort,
            @QueryParam("filter") String filter, @Context UriInfo uri) {
        return admins.require(authorization, audienceHeader, null).chain(caller -> {
            Paging paging = Paging.of(page, perPage);
            boolean ascending = ascending(sort);
            if (filter != null && filter.indexOf('\0') >= 0) {
                // PostgreSQL's text holds no NUL: the statement would fail rather than find nothing.
                throw ApiError.badRequest("filter must not contain the NUL character");
            }
            return Panache.withSession(() -> users.count(caller.aud(), filter)
                    .chain(total -> users.page(caller.aud(), filter, ascending, paging.page(), paging.perPage())
                            .map(found -> Response.ok(Map.of("users", found.stream().map(UserView::of).toList(),
                                    "aud", caller.aud()))
                                    .header("X-Total-Count", total)
                                    .header("Link", paging.links(uri.getRequestUri(), total))
                                    .build())));
        });
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> create(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        // As on GoTrue: the admin's credentials first, then the email provider (a user it creates signs in by email).
        return withBody(body, authorization, audienceHeader, (caller, params) -> {
            config.external().email().requireEnabled();
            return flow.create(caller, params);
        }).map(UserView::of);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        return admins.require(authorization, audienceHeader, null)
                .chain(caller -> flow.find(caller, userId(id)))
                .map(UserView::of);
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> update(@PathParam("id") String id, byte[] body,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        return withBody(body, authorization, audienceHeader, (caller, params) -> flow.update(caller, userId(id), params))
                .map(UserView::of);
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> delete(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        return admins.require(authorization, audienceHeader, null)
                .chain(caller -> flow.delete(caller, userId(id)))
                .replaceWith(Map.of());
    }

    /**
     * Checks the credentials before judging the body, so a stranger learns nothing from validation errors; a body's
     * {@code aud} takes part in the check, as on GoTrue.
     */
    private <T> Uni<T> withBody(byte[] body, String authorization, String audienceHeader,
            BiFunction<Caller, AdminUserParams, Uni<T>> action) {
        AdminUserParams parsed;
        ApiError unreadable = null;
        try {
            // An empty body too: GoTrue's decoder answers it 400 ("…: EOF"), and no change is not an update.
            parsed = json.readOr(AdminCredentials.UNREADABLE_PARAMS, body, AdminUserParams.class);
        } catch (ApiError e) {
            parsed = AdminUserParams.EMPTY;
            unreadable = e;
        }
        AdminUserParams params = parsed;
        ApiError bodyError = unreadable;
        return admins.require(authorization, audienceHeader, params.aud()).chain(caller -> {
            if (bodyError != null) {
                throw bodyError;
            }
            return action.apply(caller, params);
        });
    }

    private static boolean ascending(List<String> sort) {
        boolean ascending = false;
        for (String s : sort) {
            String[] parts = s.trim().split("\\s+");
            if (!parts[0].equals("created_at") || parts.length > 2
                    || (parts.length == 2 && !parts[1].equalsIgnoreCase("asc") && !parts[1].equalsIgnoreCase("desc"))) {
                throw ApiError.badRequest("Bad Sort Parameters: only 'created_at [asc|desc]' is supported");
            }
            ascending = parts.length == 2 && parts[1].equalsIgnoreCase("asc");
        }
        return ascending;
    }

    private static UUID userId(String id) {
        return Uuids.parse(id).orElseThrow(() -> ApiError.badRequest("user_id must be an UUID"));
    }
}

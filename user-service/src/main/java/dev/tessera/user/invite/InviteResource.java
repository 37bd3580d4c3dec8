package dev.tessera.user.invite;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.admin.AdminCredentials;
import dev.tessera.user.model.EmailAddress;
import dev.tessera.user.model.UserView;
import dev.tessera.user.ratelimit.UserRateLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** {@code POST /invite} (admin): creates a passwordless user and mails an invite link. */
@Path("/invite")
public class InviteResource {

    private final AdminCredentials admins;
    private final InviteFlow flow;
    private final JsonBody json;

    private final UserRateLimits limits;
    private final ClientAddress clientAddress;

    public InviteResource(AdminCredentials admins, InviteFlow flow, JsonBody json, UserRateLimits limits,
            ClientAddress clientAddress) {
        this.admins = admins;
        this.flow = flow;
        this.json = json;
        this.limits = limits;
        this.clientAddress = clientAddress;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> invite(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader, @Context HttpServerRequest request) {
        String client = clientAddress.of(request);
        // Credentials are checked before the body is judged, so a stranger learns nothing from validation errors. A
        // body GoTrue cannot read fails its admin check first; only a missing one reaches the invite's own reading.
        InviteParams params;
        ApiError unreadable = null;
        try {
            params = body == null || body.length == 0 ? json.read(body, InviteParams.class, "Invite")
                    : json.readOr(AdminCredentials.UNREADABLE_PARAMS, body, InviteParams.class);
        } catch (ApiError e) {
            params = new InviteParams(null, null, null);
            unreadable = e;
        }
        InviteParams invite = params;
        ApiError bodyError = unreadable;
        return admins.require(authorization, audienceHeader, invite.aud()).chain(caller -> {
            if (bodyError != null) {
                throw bodyError;
            }
            if (invite.email() == null || invite.email().isBlank()) {
                throw ApiError.unprocessable("An email address is required");
            }
            String email = EmailAddress.validate(invite.email());
            return limits.invite(client, caller, email).chain(() -> flow.invite(caller, email, invite.data()));
        }).map(UserView::of);
    }
}

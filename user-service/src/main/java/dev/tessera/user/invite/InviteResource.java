package dev.tessera.user.invite;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.user.admin.AdminCredentials;
import dev.tessera.user.model.EmailAddress;
import dev.tessera.user.model.UserView;
import io.smallrye.mutiny.Uni;

/** {@code POST /invite} (admin): creates a passwordless user and mails an invite link. */
@Path("/invite")
public class InviteResource {

    private final AdminCredentials admins;
    private final InviteFlow flow;
    private final JsonBody json;

    public InviteResource(AdminCredentials admins, InviteFlow flow, JsonBody json) {
        this.admins = admins;
        this.flow = flow;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserView> invite(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader) {
        // Credentials are checked before the body is judged, so a stranger learns nothing from validation errors.
        InviteParams params;
        ApiError unreadable = null;
        try {
            params = json.read(body, InviteParams.class, "Invite");
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
            return flow.invite(caller, EmailAddress.validate(invite.email()), invite.data());
        }).map(UserView::of);
    }
}

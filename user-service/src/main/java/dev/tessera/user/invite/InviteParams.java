package dev.tessera.user.invite;

import java.util.Map;

/** The body of {@code POST /invite}; {@code aud} only feeds the admin check. */
public record InviteParams(String email, Map<String, Object> data, String aud) {
}

package dev.tessera.site;

import java.util.Set;

/**
 * Who asks for a page, as far as the rules care: the user of a verified access token, or nobody.
 *
 * @param id the token's subject, or null when the request carried no valid token
 * @param email the token's email, or null
 * @param roles the roles the token grants ({@link Roles#of})
 */
public record Visitor(String id, String email, Set<String> roles) {

    /** A request without a valid token: no role. */
    public static final Visitor ANONYMOUS = new Visitor(null, null, Set.of());

    public Visitor {
        roles = Set.copyOf(roles);
    }

    public boolean signedIn() {
        return id != null;
    }
}

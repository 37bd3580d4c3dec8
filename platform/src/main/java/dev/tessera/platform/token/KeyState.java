package dev.tessera.platform.token;

/**
 * Where a key stands in its rotation, read from its JWK's {@code key_ops} (supabase/auth's encoding): standby
 * (published, signs nothing) → signing → verify-only → retired. Standby and verify-only behave alike, so they share
 * one encoding and one state here; which of the two a key is only says whether it has signed yet.
 */
public enum KeyState {
    /** {@code key_ops} contains {@code "sign"}: signs every new token; also published and accepted. Exactly one. */
    SIGNING,
    /** {@code key_ops} {@code ["verify"]} or absent: standby or verify-only, published and accepted. */
    VERIFYING,
    /**
     * {@code key_ops} naming neither (e.g. {@code []}): neither published nor accepted, even where another replica
     * still publishes it. Keeping the entry is optional; a key removed from the set is refused too.
     */
    RETIRED
}

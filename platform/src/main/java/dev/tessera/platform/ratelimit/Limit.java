package dev.tessera.platform.ratelimit;

import dev.tessera.platform.token.OpaqueToken;

/**
 * One allowance a request draws on: {@code name} says which limit ({@code signup.email}), {@code subject} whose
 * allowance it is (a client address, an account, a recipient), {@code cost} how much of it the request uses (an
 * email change mails twice). Subjects are stored hashed, so the table holds no addresses or accounts.
 */
public record Limit(String name, String subject, Rate rate, int cost) {

    public Limit {
        if (cost < 1) {
            throw new IllegalArgumentException("a limit costs at least one request");
        }
    }

    public Limit(String name, String subject, Rate rate) {
        this(name, subject, rate, 1);
    }

    /** The row this allowance is kept in. */
    public String key() {
        return name + ":" + OpaqueToken.hashOf(subject);
    }

    long stepMicros() {
        return cost * rate.intervalMicros();
    }

    /** How far ahead of now the allowance may already be spent for this request still to fit (microseconds). */
    long roomMicros() {
        return rate.period().toNanos() / 1000 - stepMicros();
    }

    /** Whether the request could ever fit: it cannot cost more than the whole allowance. */
    boolean fits() {
        return cost <= rate.requests();
    }
}

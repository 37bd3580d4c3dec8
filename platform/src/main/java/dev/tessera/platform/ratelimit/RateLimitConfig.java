package dev.tessera.platform.ratelimit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The rate limits GoTrue has no name for ({@code TESSERA_RATE_LIMIT_*}), each {@code requests/period} or
 * {@code off}; the limits per client address of {@code /token} refreshes, {@code /verify} and mail are GoTrue's
 * ({@link dev.tessera.platform.config.GoTrueConfig}). Limits per client address allow for a whole office behind one
 * address; limits per account, address or token are what one person needs. docs/operations.md lists them all.
 */
@ConfigMapping(prefix = "tessera.rate-limit")
public interface RateLimitConfig {

    /** Whether the service keeps rate limits (a build property: the service has the table). */
    @WithDefault("false")
    boolean enabled();

    /** How often each replica deletes rows whose allowance is whole again; {@code off} stops it. */
    @WithName("sweep-interval")
    @WithDefault("10m")
    String sweepInterval();

    @WithName("sweep-batch-size")
    @WithDefault("5000")
    int sweepBatchSize();

    /** The password grant (auth-service). */
    Password password();

    /** {@code POST /verify} (auth-service): tries of one token. */
    Verify verify();

    /** {@code POST /signup} (user-service). */
    Signup signup();

    /** {@code POST /recover} (user-service). */
    Recover recover();

    /** {@code POST /invite} (user-service). */
    Invite invite();

    /** {@code PUT /user} (user-service). */
    @WithName("user-update")
    UserUpdate userUpdate();

    /** Mail (user-service). */
    Mail mail();

    interface Password {
        /** Password grants per client address: an office signing in at nine, one try a second at most after. */
        @WithName("per-client")
        @WithDefault("300/5m")
        @WithConverter(RateConverter.class)
        Rate perClient();

        /** Password grants per account (audience and username), from anywhere: GoTrue's {@code /token} figure. */
        @WithName("per-account")
        @WithDefault("30/5m")
        @WithConverter(RateConverter.class)
        Rate perAccount();
    }

    interface Signup {
        /** Signups per client address: a class or an onboarding session behind one address. */
        @WithName("per-client")
        @WithDefault("200/1h")
        @WithConverter(RateConverter.class)
        Rate perClient();

        /** Signups of one address, from anywhere. */
        @WithName("per-email")
        @WithDefault("10/1h")
        @WithConverter(RateConverter.class)
        Rate perEmail();
    }

    interface Recover {
        @WithName("per-client")
        @WithDefault("100/1h")
        @WithConverter(RateConverter.class)
        Rate perClient();

        /** Requests for one address, from anywhere (known or not, so the answer tells nothing). */
        @WithName("per-email")
        @WithDefault("10/1h")
        @WithConverter(RateConverter.class)
        Rate perEmail();
    }

    interface Verify {
        @WithName("per-token")
        @WithDefault("10/5m")
        @WithConverter(RateConverter.class)
        Rate perToken();
    }

    interface Invite {
        /** Per inviting admin (the operator token and the system are one admin each). */
        @WithName("per-admin")
        @WithDefault("100/1h")
        @WithConverter(RateConverter.class)
        Rate perAdmin();

        /** Per invited address. */
        @WithName("per-email")
        @WithDefault("5/1h")
        @WithConverter(RateConverter.class)
        Rate perEmail();
    }

    interface UserUpdate {
        @WithName("per-user")
        @WithDefault("100/1h")
        @WithConverter(RateConverter.class)
        Rate perUser();
    }

    interface Mail {
        /** Mails with a link to one address, whoever asks for them. */
        @WithName("per-recipient")
        @WithDefault("5/1h")
        @WithConverter(RateConverter.class)
        Rate perRecipient();
    }
}

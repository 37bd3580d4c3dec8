package dev.tessera.platform.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.ratelimit.Rate;
import dev.tessera.platform.ratelimit.RateConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * GoTrue's configuration, read under the names a GoTrue deployment already uses: the environment variable
 * {@code GOTRUE_JWT_SECRET} is the property {@code gotrue.jwt.secret}, {@code GOTRUE_SMTP_MAX_FREQUENCY} is
 * {@code gotrue.smtp.max-frequency}, and so on. Defaults are GoTrue's, and as in GoTrue an empty value, or zero for a
 * lifetime or an interval, means the default ({@link GoTrueDefault}).
 */
@ConfigMapping(prefix = "gotrue")
public interface GoTrueConfig {

    /** Base URL of the site; mail links point here. */
    @WithName("site-url")
    @WithDefault("http://localhost:8081")
    String siteUrl();

    /**
     * {@code GOTRUE_URI_ALLOW_LIST} (supabase/auth's name): comma-separated URLs besides the site; their origins may
     * call the API from a browser (CORS), see {@code AllowedOrigins}.
     */
    @WithName("uri-allow-list")
    Optional<List<String>> uriAllowList();

    Jwt jwt();

    Smtp smtp();

    Mailer mailer();

    /** {@code GOTRUE_DISABLE_SIGNUP} as given; read {@link #disableSignup()}. */
    @WithName("disable-signup")
    Optional<Boolean> givenDisableSignup();

    /** Refuses new signups (403) when true. */
    default boolean disableSignup() {
        return givenDisableSignup().orElse(false);
    }

    /** Master admin bearer; also signs OAuth state. Unset means no operator access. */
    @WithName("operator-token")
    Optional<String> operatorToken();

    External external();

    Cookie cookie();

    Api api();

    /**
     * The request header that names the client, read only from a trusted proxy ({@code TESSERA_TRUSTED_PROXIES});
     * unset means {@code X-Forwarded-For}. See {@code dev.tessera.platform.web.ClientAddress}.
     */
    @WithName("rate-limit-header")
    Optional<String> rateLimitHeader();

    /** {@code GOTRUE_RATE_LIMIT_TOKEN_REFRESH} as given; read {@link #rateLimitTokenRefresh()}. */
    @WithName("rate-limit-token-refresh")
    @WithConverter(RateConverter.PerFiveMinutes.class)
    Optional<Rate> givenRateLimitTokenRefresh();

    /** Refresh grants per client address (supabase/auth's name; a bare number counts per five minutes). */
    default Rate rateLimitTokenRefresh() {
        return givenRateLimitTokenRefresh().orElseGet(() -> new Rate(1800, Duration.ofMinutes(5)));
    }

    /** {@code GOTRUE_RATE_LIMIT_VERIFY} as given; read {@link #rateLimitVerify()}. */
    @WithName("rate-limit-verify")
    @WithConverter(RateConverter.PerFiveMinutes.class)
    Optional<Rate> givenRateLimitVerify();

    /** {@code POST /verify} requests per client address (supabase/auth's name; bare number: per five minutes). */
    default Rate rateLimitVerify() {
        return givenRateLimitVerify().orElseGet(() -> new Rate(150, Duration.ofMinutes(5)));
    }

    /** {@code GOTRUE_RATE_LIMIT_EMAIL_SENT} as given; read {@link #rateLimitEmailSent()}. */
    @WithName("rate-limit-email-sent")
    @WithConverter(RateConverter.class)
    Optional<Rate> givenRateLimitEmailSent();

    /**
     * Mails that one client address may cause, over every route that mails (supabase/auth's name, which counts
     * per instance; a bare number counts per hour).
     */
    default Rate rateLimitEmailSent() {
        return givenRateLimitEmailSent().orElseGet(() -> new Rate(200, Duration.ofHours(1)));
    }

    interface Jwt {
        /**
         * The HS256 key (raw bytes of the string): GoTrue's signing key of access tokens while {@code GOTRUE_JWT_KEYS}
         * is unset, and always the key of GoTrue's hook signatures.
         */
        String secret();

        /**
         * {@code GOTRUE_JWT_KEYS} (supabase/auth's name): the access-token keys as a JSON array of JWKs (or a JWK set
         * object), each with a {@code kid}; {@code key_ops} gives its state (see platform's {@code JwkSets}). When set,
         * it replaces the secret as the access-token key set; {@code TESSERA_JWT_KEYS_FILE} names a file instead.
         */
        Optional<String> keys();

        /** {@code GOTRUE_JWT_ISSUER}: the {@code iss} of every access token, required of every token verified. */
        Optional<String> issuer();

        /** {@code GOTRUE_JWT_EXP} as given; read {@link #exp()}. */
        @WithName("exp")
        OptionalLong givenExp();

        /** Access-token lifetime in seconds. */
        default long exp() {
            return GoTrueDefault.positive(givenExp(), 3600);
        }

        /** Default audience when the request carries none. */
        Optional<String> aud();

        /** {@code GOTRUE_JWT_ADMIN_GROUP_NAME} as given; read {@link #adminGroupName()}. */
        @WithName("admin-group-name")
        Optional<String> givenAdminGroupName();

        /** Users whose role equals this are admins. */
        default String adminGroupName() {
            return GoTrueDefault.text(givenAdminGroupName(), "admin");
        }

        /** Role given to new users. */
        @WithName("default-group-name")
        Optional<String> defaultGroupName();

        /** {@code GOTRUE_JWT_REFRESH_TOKEN_LIFETIME} as given; read {@link #refreshTokenLifetime()}. */
        @WithName("refresh-token-lifetime")
        OptionalLong givenRefreshTokenLifetime();

        /** Refresh-token inactivity limit in seconds. */
        default long refreshTokenLifetime() {
            return GoTrueDefault.positive(givenRefreshTokenLifetime(), 2592000);
        }
    }

    interface Smtp {
        /** SMTP host; unset means mail is not sent. */
        Optional<String> host();

        /** {@code GOTRUE_SMTP_PORT} as given; read {@link #port()}. */
        @WithName("port")
        OptionalInt givenPort();

        default int port() {
            return GoTrueDefault.positive(givenPort(), 587);
        }

        Optional<String> user();

        Optional<String> pass();

        /** {@code GOTRUE_SMTP_ADMIN_EMAIL} as given; read {@link #adminEmail()}. */
        @WithName("admin-email")
        Optional<String> givenAdminEmail();

        /** The From address of every mail. */
        default String adminEmail() {
            return GoTrueDefault.text(givenAdminEmail(), "admin@localhost");
        }

        /** {@code GOTRUE_SMTP_MAX_FREQUENCY} as given; read {@link #maxFrequency()}. */
        @WithName("max-frequency")
        @WithConverter(GoDurationConverter.class)
        Optional<Duration> givenMaxFrequency();

        /** Minimum time between two confirmation or recovery mails to one user (Go duration syntax). */
        default Duration maxFrequency() {
            return GoTrueDefault.positive(givenMaxFrequency(), Duration.ofMinutes(15));
        }
    }

    interface Mailer {
        /** {@code GOTRUE_MAILER_AUTOCONFIRM} as given; read {@link #autoconfirm()}. */
        @WithName("autoconfirm")
        Optional<Boolean> givenAutoconfirm();

        /** Confirms new users without a mail. */
        default boolean autoconfirm() {
            return givenAutoconfirm().orElse(false);
        }

        /** {@code GOTRUE_MAILER_CONFIRMATION_MAX_AGE} as given; read {@link #confirmationMaxAge()}. */
        @WithName("confirmation-max-age")
        @WithConverter(GoDurationConverter.class)
        Optional<Duration> givenConfirmationMaxAge();

        /** {@code GOTRUE_MAILER_RECOVERY_MAX_AGE} as given; read {@link #recoveryMaxAge()}. */
        @WithName("recovery-max-age")
        @WithConverter(GoDurationConverter.class)
        Optional<Duration> givenRecoveryMaxAge();

        /** {@code GOTRUE_MAILER_INVITE_MAX_AGE} as given; read {@link #inviteMaxAge()}. */
        @WithName("invite-max-age")
        @WithConverter(GoDurationConverter.class)
        Optional<Duration> givenInviteMaxAge();

        /** How long a confirmation (and an email change) link is valid. */
        default Duration confirmationMaxAge() {
            return GoTrueDefault.positive(givenConfirmationMaxAge(), Duration.ofHours(24));
        }

        /** How long a recovery link is valid. */
        default Duration recoveryMaxAge() {
            return GoTrueDefault.positive(givenRecoveryMaxAge(), Duration.ofHours(24));
        }

        /** How long an invitation is valid. */
        default Duration inviteMaxAge() {
            return GoTrueDefault.positive(givenInviteMaxAge(), Duration.ofHours(168));
        }

        /**
         * An email change needs a link from the current address as well as from the new one (supabase/auth's
         * setting; netlify/gotrue mails only the new address). Without it, whoever holds a session could move the
         * account to an address they own.
         */
        default boolean secureEmailChangeEnabled() {
            return givenSecureEmailChangeEnabled().orElse(true);
        }

        /** {@code GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED} as given; read {@link #secureEmailChangeEnabled()}. */
        @WithName("secure-email-change-enabled")
        Optional<Boolean> givenSecureEmailChangeEnabled();

        Notifications notifications();

        /** Notices to the account's address about changes made to it. */
        interface Notifications {
            /** {@code GOTRUE_MAILER_NOTIFICATIONS_EMAIL_CHANGED_ENABLED} as given. */
            @WithName("email-changed-enabled")
            Optional<Boolean> givenEmailChangedEnabled();

            /** {@code GOTRUE_MAILER_NOTIFICATIONS_PASSWORD_CHANGED_ENABLED} as given. */
            @WithName("password-changed-enabled")
            Optional<Boolean> givenPasswordChangedEnabled();

            /** After an email change, to the previous address. */
            default boolean emailChangedEnabled() {
                return givenEmailChangedEnabled().orElse(true);
            }

            /** After the user changed their password. */
            default boolean passwordChangedEnabled() {
                return givenPasswordChangedEnabled().orElse(true);
            }
        }
    }

    interface External {
        Email email();

        Provider bitbucket();

        Provider github();

        Provider gitlab();

        Provider google();

        Provider facebook();

        /** {@code GOTRUE_EXTERNAL_REDIRECTURL}: where every OAuth sign-in returns, overriding referrer and site. */
        @WithName("redirecturl")
        Optional<String> redirectUrl();

        /** An OAuth2 provider: {@code GOTRUE_EXTERNAL_<P>_{ENABLED,CLIENT_ID,SECRET,REDIRECT_URI,URL}}. */
        interface Provider {
            /** {@code GOTRUE_EXTERNAL_<P>_ENABLED} as given; read {@link #enabled()}. */
            @WithName("enabled")
            Optional<Boolean> givenEnabled();

            default boolean enabled() {
                return givenEnabled().orElse(false);
            }

            @WithName("client-id")
            Optional<String> clientId();

            Optional<String> secret();

            /** This service's {@code /callback} as registered with the provider. */
            @WithName("redirect-uri")
            Optional<String> redirectUri();

            /** Base of a self-hosted GitLab or GitHub Enterprise (for the others, of a proxy or a test double). */
            Optional<String> url();
        }

        interface Email {
            /** {@code GOTRUE_EXTERNAL_EMAIL_DISABLED} as given; read {@link #disabled()}. */
            @WithName("disabled")
            Optional<Boolean> givenDisabled();

            /** Turns off the email provider: signup, recover and /token answer 400. */
            default boolean disabled() {
                return givenDisabled().orElse(false);
            }

            /** The guard of every route of the email provider: GoTrue's 400 while it is turned off. */
            default void requireEnabled() {
                if (disabled()) {
                    throw ApiError.badRequest("Unsupported email provider");
                }
            }
        }
    }

    interface Cookie {
        /** {@code GOTRUE_COOKIE_KEY} as given; read {@link #key()}. */
        @WithName("key")
        Optional<String> givenKey();

        /** {@code GOTRUE_COOKIE_DURATION} as given; read {@link #duration()}. */
        @WithName("duration")
        OptionalLong givenDuration();

        /** The cookie's name. */
        default String key() {
            return GoTrueDefault.text(givenKey(), "nf_jwt");
        }

        /** Seconds; a negative value turns cookies off (GoTrue reference §9), 0 or none is 86400. */
        default long duration() {
            long given = givenDuration().orElse(0);
            return given == 0 ? 86400 : given;
        }
    }

    interface Api {
        /**
         * {@code GOTRUE_API_REQUEST_ID_HEADER} (or GoTrue's bare {@code REQUEST_ID_HEADER}): the request header whose
         * value becomes the request id, set by the proxy in front; unset, each request gets a fresh id. See
         * {@code dev.tessera.platform.web.RequestIds}.
         */
        @WithName("request-id-header")
        Optional<String> requestIdHeader();
    }
}

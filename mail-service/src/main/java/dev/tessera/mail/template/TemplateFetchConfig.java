package dev.tessera.mail.template;

import java.time.Duration;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How templates named by a URL ({@code GOTRUE_MAILER_TEMPLATES_<KIND>}) are fetched. Durations use Go syntax. */
@ConfigMapping(prefix = "tessera.mail.template-fetch")
public interface TemplateFetchConfig {

    /** How long a fetched template is used before it is fetched again; edits on the site show after this long. */
    @WithName("cache")
    @WithDefault("10m")
    @WithConverter(GoDurationConverter.class)
    Duration cache();

    /** How long one fetch may take. */
    @WithDefault("5s")
    @WithConverter(GoDurationConverter.class)
    Duration timeout();

    /** Fetches per refresh, the first included (GoTrue tries four times). */
    @WithDefault("4")
    int attempts();
}

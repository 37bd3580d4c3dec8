package dev.tessera.mail.delivery;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * GoTrue's mailer speaks TLS from the first byte when {@code GOTRUE_SMTP_PORT} is 465 (its SMTP library decides by
 * the port) and STARTTLS otherwise. Without this, a deployment that copies its GoTrue settings would talk plain SMTP
 * to a TLS port: every attempt would time out and each mail end on the dead-letter topic while the API answered 200.
 * So {@code tessera.smtp.tls}, unless set, is true exactly when the port is 465.
 */
// Below the expression interceptor (LIBRARY + 300), so the `${tessera.smtp.tls:false}` in application.properties is
// resolved through this one.
@Priority(Priorities.LIBRARY + 200)
public class ImplicitTlsOnPort465 implements ConfigSourceInterceptor {

    private static final String TLS = "tessera.smtp.tls";
    private static final String PORT = "gotrue.smtp.port";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !TLS.equals(name)) {
            return value;
        }
        ConfigValue port = context.proceed(PORT);
        if (port == null || port.getValue() == null || !port.getValue().trim().equals("465")) {
            return null;
        }
        return ConfigValue.builder().withName(name).withValue("true")
                .withConfigSourceName("GoTrue's SMTP port 465 (implicit TLS)").build();
    }
}

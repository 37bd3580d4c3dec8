package dev.tessera.site;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The roles a token grants, read where Netlify's edge reads them: {@code app_metadata.roles} (Netlify Identity's
 * own tokens) and {@code app_metadata.authorization.roles} (the place Netlify documents for external JWT providers).
 * Both count. {@code user_metadata} never does: the user may write it.
 */
public final class Roles {

    private Roles() {
    }

    public static Set<String> of(Map<String, Object> appMetadata) {
        Set<String> roles = new LinkedHashSet<>();
        if (appMetadata == null) {
            return roles;
        }
        add(appMetadata.get("roles"), roles);
        if (appMetadata.get("authorization") instanceof Map<?, ?> authorization) {
            add(authorization.get("roles"), roles);
        }
        return roles;
    }

    private static void add(Object claim, Set<String> roles) {
        if (claim instanceof Collection<?> values) {
            values.stream().filter(String.class::isInstance).map(String.class::cast).forEach(roles::add);
        } else if (claim instanceof String single) {
            roles.add(single);
        }
    }
}

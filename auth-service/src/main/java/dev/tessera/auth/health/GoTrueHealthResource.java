package dev.tessera.auth.health;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * GoTrue's {@code GET /health}, kept for clients and monitors that call it. Kubernetes probes use SmallRye Health
 * at {@code /q/health/live} and {@code /q/health/ready} instead, which also check the database and Kafka.
 */
@Path("/health")
public class GoTrueHealthResource {

    private final String version;

    public GoTrueHealthResource(@ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> health() {
        return Map.of("version", version, "name", "GoTrue",
                "description", "GoTrue is a user registration and authentication API");
    }
}

package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

/**
 * The services' database connections fit the PostgreSQL the overlay runs, at the worst moment: every service at its
 * autoscaler's maximum plus the one extra pod of a rollout. A pod holds its reactive pool (through PgBouncer where the
 * overlay routes it there) and its JDBC pool (Flyway at startup, and the JDBC readiness check), which always goes to
 * PostgreSQL itself, and, in a service that publishes, the outbox relay's listener connection, also straight to
 * PostgreSQL. Each pool's size is read where the service reads it: its application.properties, unless its
 * Deployment overrides it; the shared ConfigMap never sets one, since it would size all four alike. The arithmetic is
 * in docs/deploy.md ("Connection budget").
 */
class ConnectionBudgetTest {

    /** Kept free for the operator's instance manager, the metrics exporter, backups and a person with psql. */
    static final int OPERATOR_CONNECTIONS = 10;
    private static final String REACTIVE = "quarkus.datasource.reactive.max-size";
    private static final String JDBC = "quarkus.datasource.jdbc.max-size";

    /** One service's share at its largest. */
    record Share(String service, int pods, int reactive, int jdbc, int listener, boolean pooled) {

        @Override
        public String toString() {
            return service + ": " + pods + " pods x (" + reactive + (pooled ? " via the pooler" : "") + " + " + jdbc
                    + " JDBC + " + listener + " outbox listener)";
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    @SuppressWarnings("unchecked")
    void theServicesConnectionsFitThePostgreSQLConnectionLimit(String overlay) {
        Manifests m = Manifests.of(overlay);
        Map<String, String> config = m.tesseraConfig().getData();
        for (String name : List.of("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE",
                "QUARKUS_DATASOURCE_JDBC_URL")) {
            assertFalse(config.containsKey(name), overlay + ": " + name + " in the shared ConfigMap");
        }
        String database = URI.create(config.get("DATABASE_URL")).getHost();
        GenericKubernetesResource cluster = m.generic("Cluster").stream()
                .filter(c -> database.equals(c.getMetadata().getName() + "-rw")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": DATABASE_URL names " + database + ", the -rw "
                        + "service of no CloudNativePG Cluster in the rendering"));
        Map<String, Object> parameters = (Map<String, Object>) ((Map<String, Object>) spec(cluster).get("postgresql"))
                .get("parameters");
        assertNotNull(parameters.get("max_connections"), overlay + ": the Cluster states max_connections");
        int limit = Integer.parseInt(String.valueOf(parameters.get("max_connections")));
        int reserved = Integer.parseInt(String.valueOf(parameters.getOrDefault("superuser_reserved_connections", "3")))
                + Integer.parseInt(String.valueOf(parameters.getOrDefault("reserved_connections", "0")));

        Optional<GenericKubernetesResource> pooler = m.generic("Pooler").stream()
                .filter(p -> cluster.getMetadata().getName().equals(((Map<String, Object>) spec(p).get("cluster"))
                        .get("name"))).findFirst();
        List<Share> shares = new ArrayList<>();
        for (String service : Manifests.SERVICES) {
            Deployment deployment = m.get(Deployment.class, service);
            int maxSurge = deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
            int pods = m.get(HorizontalPodAutoscaler.class, service).getSpec().getMaxReplicas() + maxSurge;
            String reactiveUrl = setting(deployment, config, "QUARKUS_DATASOURCE_REACTIVE_URL")
                    .orElse(config.get("DATABASE_URL"));
            String reactiveHost = URI.create(reactiveUrl).getHost();
            boolean pooled = pooler.isPresent() && reactiveHost.equals(pooler.get().getMetadata().getName());
            assertTrue(pooled || reactiveHost.equals(database), overlay + "/" + service + ": the reactive pool goes "
                    + "to " + reactiveHost + ", neither the database nor its pooler");
            shares.add(new Share(service, pods, poolSize(deployment, service, REACTIVE), poolSize(deployment,
                    service, JDBC), outboxListener(service), pooled));
        }

        int direct = shares.stream()
                .mapToInt(s -> s.pods() * (s.jdbc() + s.listener() + (s.pooled() ? 0 : s.reactive()))).sum();
        int pooledClients = shares.stream().filter(Share::pooled).mapToInt(s -> s.pods() * s.reactive()).sum();
        int poolerServers = 0;
        if (pooler.isPresent()) {
            Map<String, Object> pgbouncer = (Map<String, Object>) spec(pooler.get()).get("pgbouncer");
            assertEquals("transaction", pgbouncer.get("poolMode"), overlay + ": the pooler pays in transaction mode");
            Map<String, Object> settings = (Map<String, Object>) pgbouncer.get("parameters");
            int instances = ((Number) spec(pooler.get()).get("instances")).intValue();
            // One database and one user: one server pool per PgBouncer, plus its auth_query connection.
            poolerServers = instances * (Integer.parseInt(String.valueOf(settings.get("default_pool_size"))) + 1);
            int maxClients = Integer.parseInt(String.valueOf(settings.get("max_client_conn")));
            // The Service may send every client to the same PgBouncer.
            assertTrue(pooledClients <= maxClients, overlay + ": " + pooledClients + " client connections to "
                    + "PgBouncer, which takes " + maxClients + " each: " + shares);
            assertEquals("true", config.get("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_USE_LAYER7_PROXY"), overlay
                    + ": behind a transaction-mode pooler the reactive client must not rely on named prepared "
                    + "statements, which live on one server connection");
            assertEquals("false", config.get("QUARKUS_DATASOURCE_REACTIVE_CACHE_PREPARED_STATEMENTS"), overlay
                    + ": the services cache named prepared statements unless told not to, and behind a "
                    + "transaction-mode pooler a cached one may be run on a server connection that never saw it");
        }
        int needed = direct + poolerServers + reserved + OPERATOR_CONNECTIONS;
        assertTrue(needed <= limit, overlay + ": PostgreSQL allows " + limit + " connections, the suite may open "
                + needed + " = " + direct + " direct + " + poolerServers + " from the pooler + " + reserved
                + " reserved + " + OPERATOR_CONNECTIONS + " for the operator; " + shares);
    }

    /** A pool's size as the pod runs with it: its Deployment's override, else the service's application.properties. */
    private static int poolSize(Deployment deployment, String service, String property) {
        String variable = property.toUpperCase().replace('.', '_').replace('-', '_');
        Optional<String> override = setting(deployment, Map.of(), variable);
        if (override.isPresent()) {
            return Integer.parseInt(override.get());
        }
        String prefix = property + "=";
        return WorkloadTest.applicationProperties(service).lines().filter(l -> l.startsWith(prefix))
                .map(l -> Integer.parseInt(l.substring(prefix.length()).trim())).findFirst()
                .orElseThrow(() -> new AssertionError(service + ": application.properties states no " + property
                        + " (the one place a pool's size is set)"));
    }

    /**
     * The outbox relay's listener holds one connection of its own straight to PostgreSQL (LISTEN does not pass a
     * transaction-mode pooler) in each pod of a service that publishes.
     */
    private static int outboxListener(String service) {
        return WorkloadTest.applicationProperties(service).lines().anyMatch(l -> l.equals("tessera.outbox.enabled=true"))
                ? 1 : 0;
    }

    /** A variable as the container sees it: its own env first, else the ConfigMap. */
    private static Optional<String> setting(Deployment deployment, Map<String, String> config, String variable) {
        for (EnvVar env : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (env.getName().equals(variable) && env.getValue() != null) {
                return Optional.of(env.getValue());
            }
        }
        return Optional.ofNullable(config.get(variable));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }
}

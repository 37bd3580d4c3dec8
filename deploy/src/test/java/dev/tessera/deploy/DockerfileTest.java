package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each service's image is built from the Maven build's fast-jar, runs as the same unprivileged user the
 * Deployments require, and listens where the probes look.
 */
class DockerfileTest {

    static List<String> services() {
        return Manifests.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImageRunsTheFastJarAsAnUnprivilegedUser(String service) {
        Path docker = DeployFiles.repoRoot().resolve(service).resolve("src/main/docker");
        List<String> lines = DeployFiles.read(docker.resolve("Dockerfile.jvm")).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(lines.get(0).matches("FROM \\S+:\\S+"), service + ": a tagged base image: " + lines.get(0));
        for (String part : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            assertTrue(lines.contains("COPY target/quarkus-app/" + part + " /deployments/" + (part.equals("*.jar") ? ""
                    : part)), service + ": copies target/quarkus-app/" + part);
        }
        List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
        assertEquals(List.of("USER 185:185"), users, service + ": runs as uid 185, as the Deployments' runAsUser");
        assertTrue(lines.contains("EXPOSE 8080 9000"), service + ": the API and the management interface");
        String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertTrue(entrypoint.startsWith("ENTRYPOINT [\"java\"") && entrypoint.contains("/deployments/quarkus-run.jar"),
                service + ": exec form, so java itself receives SIGTERM: " + entrypoint);
        assertTrue(entrypoint.contains("-Djava.io.tmpdir=/tmp"), service);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("USER root") || l.equals("USER 0")), service);
        String ignore = DeployFiles.read(docker.resolve("Dockerfile.jvm.dockerignore"));
        assertTrue(ignore.contains("!target/quarkus-app/"), service + ": the build context is only the fast-jar");
        assertTrue(Files.isRegularFile(docker.resolve("Dockerfile.jvm")));
    }
}

package dev.tessera.suite.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-suite/bin/build-once.sh}, as {@code run.sh} uses it, in a git checkout of its own whose {@code mvnw}
 * only writes the jars and counts its builds: a restart without changes builds nothing, and a changed source, another
 * JDK, jars rebuilt by something else, missing jars or {@code TESSERA_BUILD=always} each build again.
 */
class BuildOnceScriptTest {

    private static final List<String> SERVICES = List.of("auth-service", "user-service", "hook-service",
            "mail-service");

    @TempDir
    Path checkout;

    @BeforeEach
    void checkout() throws Exception {
        Files.createDirectories(checkout.resolve("local-suite/bin"));
        Files.copy(Path.of("bin/build-once.sh"), checkout.resolve("local-suite/bin/build-once.sh"));
        StringBuilder mvnw = new StringBuilder("#!/usr/bin/env bash\nset -e\necho build >> builds.log\n");
        for (String service : SERVICES) {
            mvnw.append("mkdir -p ").append(service).append("/target/quarkus-app/app\n")
                    .append("echo code > ").append(service).append("/target/quarkus-app/quarkus-run.jar\n")
                    .append("echo code > ").append(service).append("/target/quarkus-app/app/").append(service)
                    .append(".jar\n");
        }
        mvnw.append("mkdir -p local-suite/target\necho code > local-suite/target/local-suite.jar\n");
        Path script = checkout.resolve("mvnw");
        Files.writeString(script, mvnw);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(checkout.resolve(".gitignore"), "target/\n.run/\nbuilds.log\n");
        Files.writeString(checkout.resolve("Source.java"), "class Source {}\n");
        run(Map.of(), "git", "init", "-q");
        run(Map.of(), "git", "add", "-A");
    }

    @Test
    void aRestartWithoutChangesBuildsNothingAndEachKindOfChangeBuildsAgain() throws Exception {
        assertEquals(1, buildOnce(Map.of()), "the first run builds");
        assertEquals(1, buildOnce(Map.of()), "nothing changed");

        Files.writeString(checkout.resolve("Source.java"), "class Source { int changed; }\n");
        assertEquals(2, buildOnce(Map.of()), "a tracked source changed");
        Files.writeString(checkout.resolve("New.java"), "class New {}\n");
        assertEquals(3, buildOnce(Map.of()), "a new file git would track");
        Files.writeString(checkout.resolve("user-service/target/ignored.txt"), "x");
        assertEquals(3, buildOnce(Map.of()), "an ignored file is not a source");

        Path jar = checkout.resolve("user-service/target/quarkus-app/app/user-service.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(4, buildOnce(Map.of()), "a jar rewritten by another build");
        Files.delete(checkout.resolve("local-suite/target/local-suite.jar"));
        assertEquals(5, buildOnce(Map.of()), "a jar gone");

        assertEquals(6, buildOnce(Map.of("JAVA_HOME", "/usr/lib/jvm/another-jdk")), "another JDK");
        assertEquals(7, buildOnce(Map.of("TESSERA_BUILD", "always")), "asked to build");
        assertEquals(7, buildOnce(Map.of()), "and nothing since");
    }

    /** Sources the script and calls it as run.sh does; answers how many builds have run in all. */
    private int buildOnce(Map<String, String> env) throws Exception {
        Map<String, String> withJdk = new HashMap<>(Map.of("JAVA_HOME", "/usr/lib/jvm/some-jdk"));
        withJdk.putAll(env);
        String output = run(withJdk, "bash", "-c", "set -euo pipefail; . local-suite/bin/build-once.sh;"
                + " tessera_build_once");
        Path log = checkout.resolve("builds.log");
        int builds = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        assertTrue(output.contains("Building") || output.contains("Nothing changed"), output);
        return builds;
    }

    private String run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true);
        builder.environment().remove("TESSERA_BUILD");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + String.join(" ", command));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}

package dev.tessera.suite.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;

/**
 * Archives recorded by real JVMs of this JDK: a clean exit leaves one that the next start maps ({@code -Xshare:on}
 * refuses to start otherwise), a killed process or a rebuild leaves none in use, and only the first replica records.
 */
class ClassDataArchivesTest {

    private static final List<String> OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC");

    @TempDir
    Path repo;
    private Path jar;

    @BeforeEach
    void build() throws IOException {
        jar = SuiteService.AUTH.runnableJar(repo);
        Files.createDirectories(jar.getParent().resolve("lib"));
        Files.writeString(jar, "built");
        Files.writeString(jar.getParent().resolve("lib/dependency.jar"), "built");
        Instant past = Instant.now().minusSeconds(60);
        try (Stream<Path> files = Files.walk(jar.getParent())) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(past));
            }
        }
    }

    @Test
    void aCleanExitLeavesAnArchiveTheNextStartMaps() throws Exception {
        ClassDataArchives archives = ClassDataArchives.of(repo, OPTIONS);
        ClassDataArchives.Use first = archives.use(SuiteService.AUTH, 0);
        assertTrue(first.recording().isPresent(), "no archive yet: the first replica records one");
        assertEquals(0, runToEnd(first, "-version"));
        assertTrue(Files.size(first.archive()) > 0);
        assertFalse(Files.exists(first.recording().get()), "moved in place, not copied");

        ClassDataArchives.Use next = archives.use(SuiteService.AUTH, 0);
        assertEquals(List.of("-XX:SharedArchiveFile=" + first.archive()), next.jvmOptions());
        List<String> mapped = new ArrayList<>(next.jvmOptions());
        mapped.add("-Xshare:on");
        assertEquals(0, runToEnd(new ClassDataArchives.Use(mapped, next.recording(), next.archive()), "-version"),
                "-Xshare:on exits with an error when the archive cannot be mapped");
    }

    @Test
    void aRebuildOrOtherOptionsRecordAnew() throws Exception {
        ClassDataArchives archives = ClassDataArchives.of(repo, OPTIONS);
        ClassDataArchives.Use first = archives.use(SuiteService.AUTH, 0);
        runToEnd(first, "-version");

        ClassDataArchives.Use otherOptions = ClassDataArchives.of(repo, List.of("-Xmx96m")).use(SuiteService.AUTH, 0);
        assertTrue(otherOptions.recording().isPresent());
        assertNotEquals(first.archive(), otherOptions.archive());

        Files.setLastModifiedTime(jar.getParent().resolve("lib/dependency.jar"), FileTime.from(Instant.now()
                .plusSeconds(5)));
        assertTrue(archives.use(SuiteService.AUTH, 0).recording().isPresent(), "a jar newer than the archive");
    }

    @Test
    void aKilledProcessLeavesNothingBehind() throws Exception {
        Path program = repo.resolve("Sleep.java");
        Files.writeString(program, "class Sleep { public static void main(String[] a) throws Exception {"
                + " Thread.sleep(60_000); } }");
        ClassDataArchives archives = ClassDataArchives.of(repo, OPTIONS);
        ClassDataArchives.Use use = archives.use(SuiteService.AUTH, 0);
        ChildProcess process = ChildProcess.start("sleep", JavaCommand.of(use.jvmOptions(), program.toString()),
                Map.of(), repo, repo.resolve("sleep.log"));
        process.kill();
        archives.settle(use, process);

        assertFalse(Files.exists(use.recording().get()));
        assertFalse(Files.exists(use.archive()));
        assertTrue(archives.use(SuiteService.AUTH, 0).recording().isPresent());
    }

    @Test
    void aNewArchiveClearsRecordingsThatAKilledLauncherLeftButNotOnesUnderWay() throws Exception {
        ClassDataArchives archives = ClassDataArchives.of(repo, OPTIONS);
        ClassDataArchives.Use use = archives.use(SuiteService.AUTH, 0);
        Path classData = use.archive().getParent();
        Path orphan = classData.resolve(use.archive().getFileName() + ".0000.recording");
        Path underWay = classData.resolve(use.archive().getFileName() + ".1111.recording");
        Files.writeString(orphan, "left by a launcher killed as its services exited");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Files.writeString(underWay, "another launcher's service, exiting now");

        assertEquals(0, runToEnd(use, "-version"));
        assertTrue(Files.exists(use.archive()));
        assertFalse(Files.exists(orphan));
        assertTrue(Files.exists(underWay));
    }

    @Test
    void onlyTheFirstReplicaRecords() {
        ClassDataArchives.Use second = ClassDataArchives.of(repo, OPTIONS).use(SuiteService.AUTH, 1);
        assertTrue(second.jvmOptions().isEmpty());
        assertTrue(second.recording().isEmpty());
    }

    private int runToEnd(ClassDataArchives.Use use, String... arguments) {
        ChildProcess process = ChildProcess.start("java", JavaCommand.of(use.jvmOptions(), arguments), Map.of(),
                repo, repo.resolve("java.log"));
        assertTrue(process.waitFor(Duration.ofSeconds(60)));
        ClassDataArchives.of(repo, OPTIONS).settle(use, process);
        return process.exitValue();
    }
}

package dev.tessera.suite.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import dev.tessera.suite.process.ChildProcess;

/**
 * A class-data-sharing archive per service (AppCDS, JDK 13 and newer), so that a service starts from the classes an
 * earlier run of it loaded instead of reading, verifying and linking them again: a fifth to a quarter less time from
 * launch to ready (docs/decisions/2026-12-04-class-data-archives.md). On unless {@code TESSERA_CLASS_DATA_ARCHIVES=off}.
 * Every {@code mvn package} rewrites the services' jars and so makes their archives stale; {@code ./run.sh} skips a
 * build that would change nothing, so a restart finds the archive its last stop recorded.
 *
 * <p>The JVM writes a dynamic archive when it exits ({@code -XX:ArchiveClassesAtExit}); the first replica of a service
 * that has no usable archive records one, under a name of its own, and {@link #settle} moves it in place once that
 * process has exited cleanly (a process killed part-way leaves no archive that a later start could map). An archive is
 * usable while it is newer than everything in the service's {@code quarkus-app/} and was written by this JDK with these
 * JVM options (both are in its file name), so a rebuild, another JDK or other options record a new one rather than
 * have the JVM refuse it with a warning on every start. It lives in {@code target/class-data/} beside the build it
 * belongs to, so {@code mvn clean} removes it with the jars.
 */
public final class ClassDataArchives {

    /** A clean exit, or the exit a JVM makes on SIGTERM (128 + 15). */
    private static final List<Integer> CLEAN_EXITS = List.of(0, 143);
    private static final String SUFFIX = ".jsa";
    private static final String RECORDING = ".recording";
    private static final Duration ORPHANED_AFTER = Duration.ofMinutes(10);

    private final Path repoRoot;
    private final String fingerprint;

    private ClassDataArchives(Path repoRoot, String fingerprint) {
        this.repoRoot = repoRoot;
        this.fingerprint = fingerprint;
    }

    /** Archives for services started by this JVM's JDK (as {@code JavaCommand} starts them) with {@code jvmOptions}. */
    public static ClassDataArchives of(Path repoRoot, List<String> jvmOptions) {
        return new ClassDataArchives(repoRoot, fingerprint(System.getProperty("java.vm.version") + "\n"
                + String.join("\n", jvmOptions)));
    }

    /**
     * What replica {@code index} (from 0) of {@code service} starts with: the archive when there is a usable one,
     * else, for the first replica, a recording of one at its exit, else nothing.
     */
    public Use use(SuiteService service, int index) {
        Path archive = archive(service);
        if (usable(service, archive)) {
            return new Use(List.of("-XX:SharedArchiveFile=" + archive), Optional.empty(), archive);
        }
        if (index != 0) {
            return new Use(List.of(), Optional.empty(), archive);
        }
        Path recording = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + RECORDING);
        try {
            Files.createDirectories(recording.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + recording.getParent(), e);
        }
        // The JVM's warnings about classes it skips while writing would fill the service's log.
        return new Use(List.of("-XX:ArchiveClassesAtExit=" + recording, "-Xlog:cds=off"), Optional.of(recording),
                archive);
    }

    /**
     * After the process of {@code use} has exited: a recording it wrote on a clean exit becomes the service's archive
     * (replacing the archives of other JDKs, options or builds); any other recording is removed.
     */
    public void settle(Use use, ChildProcess exited) {
        Optional<Path> recording = use.recording();
        if (recording.isEmpty() || exited.isAlive()) {
            return;
        }
        try {
            if (CLEAN_EXITS.contains(exited.exitValue()) && Files.isRegularFile(recording.get())
                    && Files.size(recording.get()) > 0) {
                try (Stream<Path> others = Files.list(use.archive().getParent())) {
                    for (Path other : others.filter(ClassDataArchives::replaced).toList()) {
                        Files.deleteIfExists(other);
                    }
                }
                Files.move(recording.get(), use.archive(), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(recording.get());
            }
        } catch (IOException e) {
            // The next start records again; the service itself never depends on an archive.
        }
    }

    /**
     * Another archive, or a recording that can no longer become one: the JVM writes its recording as it exits and
     * {@link #settle} moves it moments later, so one left for long belongs to a launcher that was killed itself.
     */
    private static boolean replaced(Path file) {
        String name = file.getFileName().toString();
        try {
            return name.endsWith(SUFFIX) || (name.endsWith(RECORDING) && Files.getLastModifiedTime(file).toInstant()
                    .isBefore(Instant.now().minus(ORPHANED_AFTER)));
        } catch (IOException e) {
            return false;
        }
    }

    private Path archive(SuiteService service) {
        return repoRoot.resolve(service.module()).resolve("target/class-data")
                .resolve(service.module() + "-" + fingerprint + SUFFIX);
    }

    private boolean usable(SuiteService service, Path archive) {
        if (!Files.isRegularFile(archive)) {
            return false;
        }
        try (Stream<Path> built = Files.walk(service.runnableJar(repoRoot).getParent())) {
            FileTime written = Files.getLastModifiedTime(archive);
            return built.filter(Files::isRegularFile).allMatch(file -> olderThan(file, written));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static boolean olderThan(Path file, FileTime time) {
        try {
            return Files.getLastModifiedTime(file).compareTo(time) < 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * How one process uses the archive.
     *
     * @param jvmOptions what to add to its command line
     * @param recording where it records an archive at exit, if it does
     * @param archive where the service's archive is kept
     */
    public record Use(List<String> jvmOptions, Optional<Path> recording, Path archive) {
    }
}

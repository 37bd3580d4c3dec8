package dev.tessera.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the sources under test are: the deploy module, its overlays, and the repository root. */
final class DeployFiles {

    private DeployFiles() {
    }

    /** The deploy module directory (the build passes it; run from an IDE, the working directory is it). */
    static Path deployDir() {
        String dir = System.getProperty("tessera.deploy.dir");
        return (dir == null ? Path.of("") : Path.of(dir)).toAbsolutePath().normalize();
    }

    static Path repoRoot() {
        String dir = System.getProperty("tessera.repo.root");
        return (dir == null ? deployDir().getParent() : Path.of(dir)).toAbsolutePath().normalize();
    }

    static Path base() {
        return deployDir().resolve("base");
    }

    static Path overlay(String name) {
        return deployDir().resolve("overlays").resolve(name);
    }

    /** Every overlay: each directory under deploy/overlays with a kustomization. */
    static List<String> overlayNames() {
        try (Stream<Path> dirs = Files.list(deployDir().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

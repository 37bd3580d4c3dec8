package dev.tessera.suite.site;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The built-in demo site ({@code samples/demo-site/site}), which the local run serves at the base URL's root when
 * no {@code --site} names another, so that every link in the inbox's mails lands on a page that completes it. Its
 * one built file, the bundled {@code @netlify/identity}, comes from {@code samples/demo-site/build} (run.sh builds
 * it); without it the pages load but cannot sign anyone in, and the banner says how to build it.
 */
public final class DemoSite {

    static final String FOLDER = "samples/demo-site/site";
    static final String BUNDLE = "vendor/netlify-identity.js";

    private DemoSite() {
    }

    /** The demo site of the checkout at {@code repoRoot}, when it has one. */
    public static Optional<Path> folder(Path repoRoot) {
        Path dir = repoRoot.resolve(FOLDER).toAbsolutePath().normalize();
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    /** What the banner adds about the demo site in {@code dir}: how to build its script when it is missing. */
    public static String note(Path dir) {
        return Files.isRegularFile(dir.resolve(BUNDLE)) ? "the demo site"
                : "the demo site, NOT BUILT: run samples/demo-site/build/build.sh (needs npm), or ./run.sh";
    }

    /** Whether {@code node}, which runs a site's functions, is on the PATH. */
    public static boolean nodeOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "node"))) {
                return true;
            }
        }
        return false;
    }
}

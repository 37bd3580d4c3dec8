package dev.tessera.suite.service;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The four services of the suite: the Maven module each is built in and its default internal port. */
public enum SuiteService {
    AUTH("auth-service", 8182),
    USER("user-service", 8183),
    HOOK("hook-service", 8184),
    MAIL("mail-service", 8185);

    private final String module;
    private final int defaultPort;

    SuiteService(String module, int defaultPort) {
        this.module = module;
        this.defaultPort = defaultPort;
    }

    /** The service built in {@code module} (also its name in the route list), if the suite has one of that name. */
    public static Optional<SuiteService> ofModule(String module) {
        return Arrays.stream(values()).filter(service -> service.module.equals(module)).findFirst();
    }

    /** The module directory under the repository root, also the service's name in logs. */
    public String module() {
        return module;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The environment variable that moves its port, e.g. {@code TESSERA_AUTH_SERVICE_PORT}. */
    public String portVariable() {
        return envName() + "_PORT";
    }

    /** The environment variable other services find it at, e.g. {@code TESSERA_USER_SERVICE_URL}. */
    public String urlVariable() {
        return envName() + "_URL";
    }

    private String envName() {
        return "TESSERA_" + module.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** A replica's name in logs and headers: the module when it runs once, else {@code <module>-<n>} from 1. */
    public String replicaName(int index, int count) {
        return count == 1 ? module : module + "-" + (index + 1);
    }

    /** The environment variable that sets how many replicas run, e.g. {@code TESSERA_AUTH_SERVICE_REPLICAS}. */
    public String replicasVariable() {
        return envName() + "_REPLICAS";
    }

    /** The runnable Quarkus jar that {@code mvn package} builds. */
    public Path runnableJar(Path repoRoot) {
        return repoRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
}

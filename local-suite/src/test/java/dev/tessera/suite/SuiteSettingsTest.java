package dev.tessera.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.SuiteService;

/**
 * Replicas in the launcher's settings: one process by default, else ports spaced by ten and checked like any. The run
 * directory: {@code .run/} in the repository unless {@code TESSERA_RUN_DIR} moves it.
 */
class SuiteSettingsTest {

    @Test
    void everyServiceRunsOnceOnItsPortByDefault() {
        SuiteSettings settings = SuiteSettings.from(Map.of(), Path.of("."));
        for (SuiteService service : SuiteService.values()) {
            assertEquals(List.of(service.defaultPort()), settings.replicaPorts().get(service), service.module());
        }
    }

    @Test
    void replicasListenTenApartAndTheirPortsAreChecked() {
        SuiteSettings settings = SuiteSettings.from(Map.of("TESSERA_USER_SERVICE_REPLICAS", "3",
                "TESSERA_USER_SERVICE_PORT", "9183"), Path.of("."));
        assertEquals(List.of(9193, 9203, 9213), settings.replicaPorts().get(SuiteService.USER));
        assertEquals(9183, settings.servicePorts().get(SuiteService.USER), "the balancer keeps the service's port");
        assertEquals(List.of(8182), settings.replicaPorts().get(SuiteService.AUTH));
        List<Integer> checked = settings.ports().stream().map(SuiteSettings.PortSetting::port).toList();
        assertTrue(checked.containsAll(List.of(9183, 9193, 9203, 9213)), checked.toString());
    }

    @Test
    void replicaCountsOutsideOneToNineAreRefused() {
        for (String count : List.of("0", "10", "many")) {
            assertThrows(SuiteException.class, () -> SuiteSettings.from(Map.of("TESSERA_MAIL_SERVICE_REPLICAS",
                    count), Path.of(".")), count);
        }
    }

    @Test
    void theRunDirectoryIsInTheRepositoryUnlessMoved() {
        Path root = Path.of("some", "checkout").toAbsolutePath();
        SuiteSettings inRepository = SuiteSettings.from(Map.of(), root);
        assertEquals(root.resolve(".run"), inRepository.runDir());
        assertEquals(root.resolve(".run/logs"), inRepository.logDir());
        SuiteSettings moved = SuiteSettings.from(Map.of("TESSERA_RUN_DIR", "elsewhere/run"), root);
        assertEquals(Path.of("elsewhere/run").toAbsolutePath(), moved.runDir());
        assertEquals(Path.of("elsewhere/run/secrets").toAbsolutePath(), moved.secretsDir());
        assertEquals(root, moved.repoRoot(), "the jars still come from the repository");
    }

    @Test
    void freePortsLieBelowTheEphemeralRangeAndAreNeverHandedOutTwice() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = SuiteSettings.freeLoopbackPort();
            int management = port + ServiceEnvironment.MANAGEMENT_PORT_OFFSET;
            assertTrue(port >= 1024 && management < 32768, port + " and " + management + " below 32768");
            assertTrue(seen.add(port) && seen.add(management), port + " handed out once, with its +1000 port");
        }
    }
}

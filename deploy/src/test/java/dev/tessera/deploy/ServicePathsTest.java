package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.route.PublicRoute;

/**
 * The route list and the services agree, both ways: every public path a service serves (its JAX-RS and Vert.x
 * paths, read from its sources; {@code /internal/*} and {@code /q/*} are not public) is routed to it, and every
 * route of the list is served by its service, except those marked pending, which must not be served yet.
 */
class ServicePathsTest {

    private static final Map<String, List<ServedPaths.Served>> SERVED = new TreeMap<>();

    @BeforeAll
    static void scan() {
        for (String service : Manifests.SERVICES) {
            SERVED.put(service, ServedPaths.of(DeployFiles.repoRoot().resolve(service).resolve("src/main/java")));
        }
    }

    @Test
    void everyPublicPathAServiceServesIsRoutedToIt() {
        List<String> unrouted = new ArrayList<>();
        SERVED.forEach((service, paths) -> paths.stream().filter(p -> !isInternal(p.path())).forEach(served -> {
            // A pending route that is served is reported by the next test, with what to do.
            boolean routed = RouteExpectations.LIST.all().stream().anyMatch(route -> route.service().equals(service)
                    && route.covers(served.path())
                    && (!served.below() || route.match() == PublicRoute.Match.PREFIX));
            if (!routed) {
                unrouted.add(service + " serves " + served.path() + (served.below() ? "/*" : "") + " ("
                        + DeployFiles.repoRoot().relativize(served.source()) + "), which the route list does not"
                        + " route to it");
            }
        }));
        assertEquals(List.of(), unrouted);
    }

    @Test
    void everyRouteIsServedByItsServiceUnlessPending() {
        List<String> wrong = new ArrayList<>();
        for (PublicRoute route : RouteExpectations.LIST.all()) {
            List<ServedPaths.Served> paths = SERVED.get(route.service());
            if (paths == null) {
                wrong.add(route.path() + " goes to " + route.service() + ", which is not a service");
                continue;
            }
            boolean served = paths.stream().anyMatch(p -> route.covers(p.path())
                    || p.below() && route.path().startsWith(p.path() + "/"));
            if (served && route.pending()) {
                wrong.add(route.path() + " is served by " + route.service() + " now: drop 'pending' from its line");
            } else if (!served && !route.pending()) {
                wrong.add(route.path() + " is routed to " + route.service() + ", which does not serve it");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theScanReadsResourcesAndRoutesAndRefusesWhatItCannotRead() {
        Path file = Path.of("Things.java");
        String resource = """
                /** Not a @Path("/comment") */
                @Path("/things")
                public class Things {
                    static final String BASE = "/.netlify/x";
                    @GET
                    public String list() { return "/*"; }
                    @DELETE
                    @Path("{id}")
                    public void delete() { }
                    void routes(@Observes Router router) {
                        router.route().handler(ctx -> { });
                        router.route(BASE).handler(ctx -> { });
                        router.get(BASE + "/*").handler(ctx -> { });
                    }
                }
                """;
        assertEquals(List.of(new ServedPaths.Served("/things", false, file),
                new ServedPaths.Served("/things/{id}", false, file),
                new ServedPaths.Served("/.netlify/x", false, file),
                new ServedPaths.Served("/.netlify/x", true, file)), ServedPaths.ofFile(file, resource));
        assertEquals(List.of(new ServedPaths.Served("/things/{id}", false, file)), ServedPaths.ofFile(file, """
                @Path("/things")
                class Things {
                    @GET @Path("/{id}/") Object get() { return null; }
                }
                """), "a class whose every method has a path does not serve its own");
        assertEquals(List.of(), ServedPaths.ofFile(file, """
                @RegisterRestClient @Path("/internal") interface Things { @GET @Path("/x") Object get(); }
                """));
        for (String unreadable : List.of("@Path(Paths.THINGS) class Things { @GET Object get(); }",
                "class Things { void r(Router router) { router.route(Other.PATH); } }",
                "class Things { void r(Router router) { router.routeWithRegex(\"/t.*\"); } }",
                "class Things { void r(@Observes Router r) { r.route(\"/t\"); } }")) {
            assertThrows(IllegalStateException.class, () -> ServedPaths.ofFile(file, unreadable), unreadable);
        }
    }

    private static boolean isInternal(String path) {
        return path.equals("/internal") || path.startsWith("/internal/") || path.equals("/q")
                || path.startsWith("/q/");
    }
}

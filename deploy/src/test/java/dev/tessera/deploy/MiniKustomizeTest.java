package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Java fallback renders what kubectl renders (object for object, the generated names' hash suffix aside), so
 * the invariants hold on machines without kubectl too; and it refuses kustomize features it does not implement.
 */
class MiniKustomizeTest {

    static Stream<String> kustomizations() {
        List<String> all = new ArrayList<>(List.of("base"));
        DeployFiles.overlayNames().forEach(o -> all.add("overlays/" + o));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersWhatKubectlRenders(String kustomization) {
        Path dir = DeployFiles.deployDir().resolve(kustomization);
        Map<String, Object> fallback = byId(MiniKustomize.render(dir));
        assertTrue(fallback.size() > 10, kustomization + ": " + fallback.keySet());
        Optional<String> kubectl = Kustomize.kubectl(dir);
        if (kubectl.isEmpty()) {
            // Nothing to compare with here; the fallback rendered, and the other tests check what it rendered.
            System.out.println("kubectl not found: " + kustomization + " rendered by MiniKustomize only");
            return;
        }
        Map<String, Object> reference = byId(withoutHashSuffixes(kubectl.get(), fallback.keySet()));
        assertEquals(reference.keySet(), fallback.keySet(), kustomization + ": the objects");
        reference.forEach((id, object) -> assertEquals(object, fallback.get(id), kustomization + ": " + id));
    }

    @Test
    void refusesWhatItDoesNotImplement(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources:
                  - cm.yaml
                patches:
                  - target:
                      kind: ConfigMap
                    patch: |-
                      metadata:
                        labels:
                          a: b
                """);
        assertThrows(UnsupportedOperationException.class, () -> MiniKustomize.render(dir));
        Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - cm.yaml\nnamePrefix: p-\n");
        assertThrows(UnsupportedOperationException.class, () -> MiniKustomize.render(dir));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources:
                  - cm.yaml
                patches:
                  - target:
                      kind: ConfigMap
                    patch: |-
                      - op: replace
                        path: /data/missing
                        value: x
                """);
        assertThrows(IllegalStateException.class, () -> MiniKustomize.render(dir));
    }

    /**
     * kubectl names a generated ConfigMap {@code <name>-<hash>} and rewrites the references to it; the fallback keeps
     * {@code <name>}. Takes the suffix off every ConfigMap the fallback generated under the plain name.
     */
    static String withoutHashSuffixes(String yaml, java.util.Set<String> fallbackIds) {
        String result = yaml;
        for (String id : fallbackIds) {
            if (!id.startsWith("v1/ConfigMap ")) {
                continue;
            }
            String name = id.substring(id.indexOf('/', "v1/ConfigMap ".length()) + 1);
            Matcher hashed = Pattern.compile("\\b" + Pattern.quote(name) + "-[a-z0-9]{10}\\b").matcher(result);
            result = hashed.replaceAll(Matcher.quoteReplacement(name));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> byId(String yaml) {
        Map<String, Object> objects = new TreeMap<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document == null) {
                continue;
            }
            Map<String, Object> object = (Map<String, Object>) document;
            Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
            objects.put(object.get("apiVersion") + "/" + object.get("kind") + " " + metadata.get("namespace") + "/"
                    + metadata.get("name"), object);
        }
        return objects;
    }
}

package dev.tessera.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A kustomize for machines without kubectl: exactly the features deploy/ uses, and a loud failure on any other, so
 * that it can never quietly render something kustomize would not. Supported: {@code resources} (files and
 * directories), {@code components}, {@code configMapGenerator} (env files and literals; create and merge),
 * {@code patches} with a target (kind, name as a regular expression) and a JSON 6902 patch (add, replace, remove),
 * {@code namespace} and {@code images}. Not done: the hash suffix of generated names (references stay consistent
 * without it). {@code MiniKustomizeTest} holds its output equal to kubectl's wherever kubectl exists.
 */
final class MiniKustomize {

    private static final Set<String> KNOWN_KEYS = Set.of("apiVersion", "kind", "resources", "components",
            "namespace", "images", "configMapGenerator", "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PriorityClass", "StorageClass", "IngressClass", "PersistentVolume",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");

    private MiniKustomize() {
    }

    /** Renders the kustomization in {@code dir} as multi-document YAML. */
    static String render(Path dir) {
        List<Map<String, Object>> objects = build(dir, new ArrayList<>(), false);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setExplicitStart(true);
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options);
        return yaml.dumpAll(objects.iterator());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> build(Path dir, List<Map<String, Object>> accumulated,
            boolean component) {
        Map<String, Object> kustomization = loadKustomization(dir);
        String kind = String.valueOf(kustomization.getOrDefault("kind", "Kustomization"));
        if (!kind.equals(component ? "Component" : "Kustomization")) {
            throw unsupported(dir, "kind " + kind + " where a " + (component ? "Component" : "Kustomization")
                    + " is expected");
        }
        for (String key : kustomization.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw unsupported(dir, "the field '" + key + "'");
            }
        }
        for (Object entry : list(kustomization.get("resources"))) {
            Path resource = dir.resolve(String.valueOf(entry)).normalize();
            List<Map<String, Object>> added = Files.isDirectory(resource)
                    ? build(resource, new ArrayList<>(), false)
                    : loadDocuments(resource);
            for (Map<String, Object> object : added) {
                add(accumulated, object, dir);
            }
        }
        for (Object entry : list(kustomization.get("components"))) {
            build(dir.resolve(String.valueOf(entry)).normalize(), accumulated, true);
        }
        for (Object entry : list(kustomization.get("configMapGenerator"))) {
            generateConfigMap(dir, (Map<String, Object>) entry, accumulated);
        }
        for (Object entry : list(kustomization.get("patches"))) {
            patch(dir, (Map<String, Object>) entry, accumulated);
        }
        Object namespace = kustomization.get("namespace");
        if (namespace != null) {
            for (Map<String, Object> object : accumulated) {
                if (!CLUSTER_SCOPED.contains(String.valueOf(object.get("kind")))) {
                    map(object, "metadata").put("namespace", String.valueOf(namespace));
                }
            }
        }
        for (Object entry : list(kustomization.get("images"))) {
            Map<String, Object> image = (Map<String, Object>) entry;
            accumulated.forEach(object -> setImages(object, image));
        }
        return accumulated;
    }

    private static void add(List<Map<String, Object>> accumulated, Map<String, Object> object, Path dir) {
        for (Map<String, Object> existing : accumulated) {
            if (id(existing).equals(id(object))) {
                throw new IllegalStateException(dir + ": " + id(object) + " is declared twice");
            }
        }
        accumulated.add(object);
    }

    private static String id(Map<String, Object> object) {
        Map<String, Object> metadata = map(object, "metadata");
        return object.get("apiVersion") + "/" + object.get("kind") + " " + metadata.getOrDefault("namespace", "")
                + "/" + metadata.get("name");
    }

    // --- generators ---

    @SuppressWarnings("unchecked")
    private static void generateConfigMap(Path dir, Map<String, Object> generator,
            List<Map<String, Object>> accumulated) {
        for (String key : generator.keySet()) {
            if (!Set.of("name", "behavior", "envs", "literals", "options").contains(key)) {
                throw unsupported(dir, "configMapGenerator." + key);
            }
        }
        String name = String.valueOf(generator.get("name"));
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object env : list(generator.get("envs"))) {
            for (String line : DeployFiles.read(dir.resolve(String.valueOf(env))).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                putEntry(dir, data, trimmed);
            }
        }
        for (Object literal : list(generator.get("literals"))) {
            putEntry(dir, data, String.valueOf(literal));
        }
        Map<String, Object> options = generator.get("options") == null ? Map.of()
                : (Map<String, Object>) generator.get("options");
        for (String key : options.keySet()) {
            if (!key.equals("labels")) {
                throw unsupported(dir, "configMapGenerator.options." + key);
            }
        }
        String behavior = String.valueOf(generator.getOrDefault("behavior", "create"));
        Map<String, Object> existing = accumulated.stream()
                .filter(o -> "ConfigMap".equals(o.get("kind")) && name.equals(map(o, "metadata").get("name")))
                .findFirst().orElse(null);
        switch (behavior) {
            case "create" -> {
                if (existing != null) {
                    throw new IllegalStateException(dir + ": ConfigMap " + name + " already exists");
                }
                Map<String, Object> configMap = new LinkedHashMap<>();
                configMap.put("apiVersion", "v1");
                configMap.put("kind", "ConfigMap");
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("name", name);
                if (options.get("labels") != null) {
                    metadata.put("labels", copy(options.get("labels")));
                }
                configMap.put("metadata", metadata);
                configMap.put("data", data);
                accumulated.add(configMap);
            }
            case "merge" -> {
                if (existing == null) {
                    throw new IllegalStateException(dir + ": no ConfigMap " + name + " to merge into");
                }
                Map<String, Object> merged = new LinkedHashMap<>(map(existing, "data"));
                merged.putAll(data);
                existing.put("data", merged);
                if (options.get("labels") != null) {
                    map(map(existing, "metadata"), "labels").putAll((Map<String, Object>) copy(options.get("labels")));
                }
            }
            default -> throw unsupported(dir, "configMapGenerator behavior " + behavior);
        }
    }

    private static void putEntry(Path dir, Map<String, Object> data, String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw unsupported(dir, "the generator entry '" + entry + "' (values from the environment)");
        }
        data.put(entry.substring(0, eq), entry.substring(eq + 1));
    }

    // --- patches ---

    @SuppressWarnings("unchecked")
    private static void patch(Path dir, Map<String, Object> entry, List<Map<String, Object>> accumulated) {
        Map<String, Object> target = (Map<String, Object>) entry.get("target");
        if (target == null || entry.get("patch") == null) {
            throw unsupported(dir, "a patch without a target or without an inline JSON 6902 patch");
        }
        for (String key : target.keySet()) {
            if (!Set.of("kind", "name", "group", "version").contains(key)) {
                throw unsupported(dir, "patch target field " + key);
            }
        }
        Object operations = new Yaml(new SafeConstructor(new LoaderOptions())).load(String.valueOf(entry.get("patch")));
        if (!(operations instanceof List<?> ops)) {
            throw unsupported(dir, "a strategic-merge patch (use JSON 6902 patches in deploy/)");
        }
        Pattern name = target.get("name") == null ? null : Pattern.compile(String.valueOf(target.get("name")));
        int matched = 0;
        for (Map<String, Object> object : accumulated) {
            if (target.get("kind") != null && !target.get("kind").equals(object.get("kind"))) {
                continue;
            }
            if (name != null && !name.matcher(String.valueOf(map(object, "metadata").get("name"))).matches()) {
                continue;
            }
            String apiVersion = String.valueOf(object.get("apiVersion"));
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
            if (target.get("group") != null && !target.get("group").equals(group)
                    || target.get("version") != null && !target.get("version").equals(version)) {
                continue;
            }
            matched++;
            for (Object op : ops) {
                apply(dir, object, (Map<String, Object>) op);
            }
        }
        if (matched == 0) {
            // kustomize accepts a patch that matches nothing; deploy/ never means to write one.
            throw new IllegalStateException(dir + ": the patch for " + target + " matches no resource");
        }
    }

    @SuppressWarnings("unchecked")
    private static void apply(Path dir, Map<String, Object> object, Map<String, Object> operation) {
        String op = String.valueOf(operation.get("op"));
        List<String> path = pointer(String.valueOf(operation.get("path")));
        Object parent = object;
        for (String token : path.subList(0, path.size() - 1)) {
            parent = child(parent, token);
            if (parent == null) {
                throw new IllegalStateException(dir + ": " + operation.get("path") + " does not exist in "
                        + id(object));
            }
        }
        String last = path.get(path.size() - 1);
        Object value = copy(operation.get("value"));
        if (parent instanceof Map<?, ?> rawMap) {
            Map<String, Object> map = (Map<String, Object>) rawMap;
            switch (op) {
                case "add" -> map.put(last, value);
                case "replace", "remove" -> {
                    if (!map.containsKey(last)) {
                        throw new IllegalStateException(dir + ": cannot " + op + " missing " + operation.get("path")
                                + " in " + id(object));
                    }
                    if (op.equals("replace")) {
                        map.put(last, value);
                    } else {
                        map.remove(last);
                    }
                }
                default -> throw unsupported(dir, "the JSON patch operation " + op);
            }
        } else if (parent instanceof List<?> rawList) {
            List<Object> list = (List<Object>) rawList;
            int index = last.equals("-") ? list.size() : Integer.parseInt(last);
            switch (op) {
                case "add" -> list.add(index, value);
                case "replace" -> list.set(index, value);
                case "remove" -> list.remove(index);
                default -> throw unsupported(dir, "the JSON patch operation " + op);
            }
        } else {
            throw new IllegalStateException(dir + ": " + operation.get("path") + " does not lead into an object");
        }
    }

    private static Object child(Object node, String token) {
        if (node instanceof Map<?, ?> map) {
            return map.get(token);
        }
        if (node instanceof List<?> list) {
            int index = Integer.parseInt(token);
            return index < list.size() ? list.get(index) : null;
        }
        return null;
    }

    private static List<String> pointer(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not a JSON pointer: " + path);
        }
        List<String> tokens = new ArrayList<>();
        for (String token : path.substring(1).split("/", -1)) {
            tokens.add(token.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    // --- images ---

    @SuppressWarnings("unchecked")
    private static void setImages(Object node, Map<String, Object> image) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if ((entry.getKey().equals("containers") || entry.getKey().equals("initContainers"))
                        && entry.getValue() instanceof List<?> containers) {
                    containers.forEach(c -> retag((Map<String, Object>) c, image));
                } else {
                    setImages(entry.getValue(), image);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> setImages(item, image));
        }
    }

    private static void retag(Map<String, Object> container, Map<String, Object> image) {
        String current = String.valueOf(container.get("image"));
        String name = String.valueOf(image.get("name"));
        String tag;
        if (current.equals(name)) {
            tag = "";
        } else if (current.startsWith(name + ":") || current.startsWith(name + "@")) {
            tag = current.substring(name.length());
        } else {
            return;
        }
        String newName = image.get("newName") == null ? name : String.valueOf(image.get("newName"));
        String newTag = image.get("newTag") == null ? tag : ":" + image.get("newTag");
        container.put("image", newName + newTag);
    }

    // --- YAML ---

    @SuppressWarnings("unchecked")
    private static Map<String, Object> loadKustomization(Path dir) {
        for (String name : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(DeployFiles.read(file));
                return loaded == null ? Map.of() : (Map<String, Object>) loaded;
            }
        }
        throw new IllegalStateException("no kustomization in " + dir);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> loadDocuments(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                if (document != null) {
                    documents.add((Map<String, Object>) document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.computeIfAbsent(key, k -> new LinkedHashMap<>());
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    /** A deep copy, so that one patch value never ends up shared by two resources. */
    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), copy(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }

    private static UnsupportedOperationException unsupported(Path dir, String what) {
        return new UnsupportedOperationException(dir + ": MiniKustomize (the fallback used without kubectl) does not "
                + "support " + what + "; keep deploy/ to the features listed in deploy/README.md or extend it");
    }
}

package dev.canopy.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A DatabaseCluster as a user writes it in YAML (the custom resource's own shape: apiVersion, kind, metadata, spec),
 * read strictly: unknown fields, wrong types and broken rules are all reported at once, each naming its field.
 */
public record ClusterManifest(String name, DatabaseClusterSpec spec) {

    /** {@code status} is accepted and ignored, as kubectl does, so that {@code cluster get -o yaml} can be applied again. */
    private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    /** Fields the server sets are accepted and ignored, for the same reason. */
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations",
            "generation", "uid", "resourceVersion", "creationTimestamp");

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final YAMLMapper YAML = YAMLMapper.builder(
                    YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build())
            .build();

    public ClusterManifest {
        List<String> problems = new ArrayList<>(SpecValidator.validateName(name));
        problems.addAll(SpecValidator.validate(spec));
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
    }

    public static ClusterManifest parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException(List.of("a DatabaseCluster must be a YAML mapping with apiVersion, kind, metadata and spec"));
        }
        List<String> problems = new ArrayList<>();
        unknownFields(root, TOP_LEVEL, "", problems);
        if (!DatabaseCluster.API_VERSION.equals(root.path("apiVersion").asText(null))) {
            problems.add("apiVersion: must be " + DatabaseCluster.API_VERSION + ", got " + root.path("apiVersion").asText("nothing"));
        }
        if (!DatabaseCluster.KIND.equals(root.path("kind").asText(null))) {
            problems.add("kind: must be " + DatabaseCluster.KIND + ", got " + root.path("kind").asText("nothing"));
        }
        JsonNode metadata = root.path("metadata");
        if (metadata.isObject()) {
            unknownFields(metadata, METADATA, "metadata.", problems);
        }
        String name = metadata.path("name").isTextual() ? metadata.path("name").asText() : null;
        problems.addAll(SpecValidator.validateName(name));
        DatabaseClusterSpec spec = readSpec(root.get("spec"), problems);
        if (spec != null) {
            problems.addAll(SpecValidator.validate(spec));
        } else if (!root.has("spec")) {
            problems.add("spec: is required");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems.stream().distinct().toList());
        }
        return new ClusterManifest(name, spec);
    }

    /** Reads the spec, collecting every unknown field and every value of the wrong type rather than stopping at the first. */
    private static DatabaseClusterSpec readSpec(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("spec: must be a mapping");
            return null;
        }
        List<String> local = new ArrayList<>();
        if (node.path("config").isObject()) {
            // a setting without a value would fail the record's Map.copyOf with a bare NullPointerException
            ObjectNode copy = node.deepCopy();
            ObjectNode config = (ObjectNode) copy.get("config");
            List<String> empty = new ArrayList<>();
            config.fieldNames().forEachRemaining(key -> {
                if (config.get(key).isNull()) {
                    empty.add(key);
                }
            });
            empty.forEach(key -> local.add("spec.config." + key + ": must have a value"));
            config.remove(empty);
            node = copy;
        }
        // a reader, not a copy of the mapper: a copy starts with empty deserializer caches, which made every parse build
        // them again (listing 1,000 stored clusters took most of a second)
        ObjectReader reader = STRICT.readerFor(DatabaseClusterSpec.class).withHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                                 Object beanOrClass, String propertyName) throws IOException {
                String path = "spec." + pathOf(p) ;
                Set<String> known = deserializer.getKnownPropertyNames().stream().map(Object::toString).collect(Collectors.toCollection(java.util.TreeSet::new));
                local.add(path + propertyName + ": unknown field; known fields here: " + String.join(", ", known));
                p.skipChildren();
                return true;
            }
        });
        try {
            DatabaseClusterSpec spec = reader.readValue(node);
            // unknown fields were skipped: the rest is still checked, so every problem is reported at once
            problems.addAll(local);
            return spec;
        } catch (MismatchedInputException e) {
            problems.addAll(local);
            String field = "spec." + e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String got = e instanceof InvalidFormatException f ? ", got " + f.getValue() : "";
            problems.add(field + ": must be " + describe(e.getTargetType()) + got);
            return null;
        } catch (IOException e) {
            problems.addAll(local);
            problems.add("spec: " + e.getMessage());
            return null;
        }
    }

    private static String pathOf(JsonParser p) {
        StringBuilder path = new StringBuilder();
        List<String> parts = new ArrayList<>();
        var start = p.getParsingContext();
        if (p.currentToken() != null && p.currentToken().isStructStart()) {
            // the unknown field's value is a mapping or a list, which already opened its own context
            start = start.getParent();
        }
        for (var ctx = start.getParent(); ctx != null && ctx.getParent() != null; ctx = ctx.getParent()) {
            if (ctx.getCurrentName() != null) {
                parts.add(0, ctx.getCurrentName());
            }
        }
        for (String part : parts) {
            path.append(part).append('.');
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a mapping";
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                problems.add(prefix + field + ": unknown field; known fields here: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    /** The manifest as a tree (apiVersion, kind, metadata.name, spec), for callers that add to it before writing. */
    public ObjectNode toTree() {
        ObjectNode root = YAML.createObjectNode();
        root.put("apiVersion", DatabaseCluster.API_VERSION);
        root.put("kind", DatabaseCluster.KIND);
        root.putObject("metadata").put("name", name);
        root.set("spec", YAML.valueToTree(spec));
        return root;
    }

    /** The manifest as YAML, the same shape {@link #parse} reads. */
    public String toYaml() {
        try {
            return YAML.writeValueAsString(toTree());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest of " + name, e);
        }
    }
}

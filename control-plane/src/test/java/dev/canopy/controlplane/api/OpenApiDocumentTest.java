package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.canopy.controlplane.region.FakeRegion;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

    @Test
    void theDocumentServedDescribesExactlyTheRegisteredRoutes() throws Exception {
        try (ApiFixture api = new ApiFixture(new FakeRegion("local", List.of("2.17.0")))) {
            ApiClient.Response served = api.anonymous().get("/api/v1/openapi.yaml");
            assertThat(served.status()).isEqualTo(200);
            JsonNode document = new YAMLMapper().readTree(served.body());
            assertThat(document.path("openapi").asText()).startsWith("3.");

            List<String> documented = new ArrayList<>();
            document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    documented.add(method.toUpperCase() + " " + path.getKey());
                }
            }));
            assertThat(documented).containsExactlyInAnyOrderElementsOf(api.controlPlane.routes());
            assertThat(api.controlPlane.routes()).contains("POST /api/v1/clusters/{name}/resize");
        }
    }

    /** A real validator: a stray key (a comma in a flow mapping makes one) or a misplaced field is a message. */
    @Test
    void theDocumentValidatesWithoutAnyMessage() {
        SwaggerParseResult result = parse();
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    /**
     * A comma in a plain value of a flow mapping ({@code { description: Made, with ..., content: ... }}) ends the value
     * and makes the rest a key without a value. The validator flags one among a response's fields, not among a
     * schema's, where OpenAPI 3.1 lets any keyword stand: so no key may be without a value anywhere.
     */
    @Test
    void noKeyIsWithoutAValue() throws Exception {
        List<String> empty = new ArrayList<>();
        collectEmpty(new YAMLMapper().readTree(ApiServer.openApiDocument()), "", empty);
        assertThat(empty).isEmpty();
    }

    private static void collectEmpty(JsonNode node, String at, List<String> empty) {
        if (node.isNull()) {
            empty.add(at);
        }
        node.fields().forEachRemaining(e -> collectEmpty(e.getValue(), at + "/" + e.getKey(), empty));
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            collectEmpty(node.get(i), at + "/" + i, empty);
        }
    }

    /** Clients generated from the document name their methods by it. */
    @Test
    void everyOperationHasAnOperationIdOfItsOwn() {
        Map<String, String> ids = new java.util.TreeMap<>();
        List<String> missing = new ArrayList<>();
        parse().getOpenAPI().getPaths().forEach((path, item) -> operations(item).forEach((method, operation) -> {
            String where = method + " " + path;
            if (operation.getOperationId() == null || operation.getOperationId().isBlank()) {
                missing.add(where);
            } else {
                assertThat(ids.put(operation.getOperationId(), where)).as("operationId %s of %s", operation.getOperationId(), where).isNull();
            }
        }));
        assertThat(missing).as("operations without an operationId").isEmpty();
        assertThat(ids.keySet()).allMatch(id -> id.matches("[a-z][A-Za-z0-9]*"), "camelCase");
    }

    private static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(ApiServer.openApiDocument(), null, options);
    }

    private static Map<String, Operation> operations(PathItem item) {
        return item.readOperationsMap().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
    }

    @Test
    void everyReferenceInTheDocumentResolves() throws Exception {
        JsonNode document = new YAMLMapper().readTree(ApiServer.openApiDocument());
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(document.at(ref.substring(1)).isMissingNode()).as("reference %s", ref).isFalse();
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}

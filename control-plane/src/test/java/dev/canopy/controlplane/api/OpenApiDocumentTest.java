package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

package dev.canopy.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The operator's Helm chart, rendered by real Helm (helm-java runs it in process). */
final class Chart {
    /** Tests run in the module's directory. */
    static final Path DIRECTORY = Path.of("..", "deploy", "helm", "canopy-operator").toAbsolutePath().normalize();
    static final Path MANIFESTS = Path.of("..", "deploy", "manifests", "canopy-operator.yaml").toAbsolutePath().normalize();
    static final String CRD_FILE = "databaseclusters.canopy.dev-v1.yml";
    static final String RELEASE = "canopy-operator";
    static final String NAMESPACE = "canopy-system";

    private Chart() {
    }

    static String render(Map<String, Object> values) {
        TemplateCommand template = new Helm(DIRECTORY).template().withName(RELEASE).withNamespace(NAMESPACE);
        values.forEach(template::set);
        return template.call();
    }

    static List<JsonNode> documents(String yaml) {
        try {
            List<JsonNode> documents = new ArrayList<>();
            ObjectMapper mapper = new YAMLMapper();
            try (var parser = new YAMLFactory().createParser(yaml)) {
                for (var it = mapper.readValues(parser, JsonNode.class); it.hasNext(); ) {
                    JsonNode doc = it.next();
                    if (doc != null && doc.isObject() && !doc.isEmpty()) {
                        documents.add(doc);
                    }
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** Whether one of the rules allows the request. */
    static boolean allows(JsonNode rules, ApiRequest request) {
        for (JsonNode rule : rules) {
            if (contains(rule.path("apiGroups"), request.group()) && contains(rule.path("resources"), request.resource())
                    && (contains(rule.path("verbs"), request.verb()) || contains(rule.path("verbs"), "*"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}

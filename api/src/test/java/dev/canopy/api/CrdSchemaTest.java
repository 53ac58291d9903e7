package dev.canopy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the CRD that the fabric8 generator wrote at build time and checks it says what the Java side says: the same
 * bounds as {@link SpecValidator} (both from {@link Limits}) and the same allow-list as {@link EngineSetting}.
 */
class CrdSchemaTest {

    static final String CRD = "META-INF/fabric8/databaseclusters.canopy.dev-v1.yml";

    private static JsonNode crd;
    private static JsonNode version;
    private static JsonNode spec;

    @BeforeAll
    static void readCrd() throws IOException {
        try (InputStream in = CrdSchemaTest.class.getClassLoader().getResourceAsStream(CRD)) {
            assertThat(in).as("%s on the test classpath (written by crd-generator-maven-plugin)", CRD).isNotNull();
            crd = new YAMLMapper().readTree(in);
        }
        assertThat(crd.path("spec").path("versions")).hasSize(1);
        version = crd.path("spec").path("versions").get(0);
        spec = version.path("schema").path("openAPIV3Schema").path("properties").path("spec");
        assertThat(spec.isObject()).isTrue();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    private static JsonNode property(String dottedPath) {
        JsonNode node = spec;
        for (String part : dottedPath.split("\\.")) {
            node = node.path("properties").path(part);
        }
        assertThat(node.isObject()).as("spec.%s in the CRD schema", dottedPath).isTrue();
        return node;
    }

    @Test
    void isTheCrdOfDatabaseClusterInCanopyDev() {
        assertThat(crd.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
        assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
        assertThat(crd.path("metadata").path("name").asText()).isEqualTo("databaseclusters.canopy.dev");
        assertThat(crd.path("spec").path("group").asText()).isEqualTo(DatabaseCluster.GROUP).isEqualTo("canopy.dev");
        assertThat(crd.path("spec").path("scope").asText()).isEqualTo("Namespaced");
        JsonNode names = crd.path("spec").path("names");
        assertThat(names.path("kind").asText()).isEqualTo(DatabaseCluster.KIND);
        assertThat(names.path("plural").asText()).isEqualTo("databaseclusters");
        assertThat(names.path("singular").asText()).isEqualTo("databasecluster");
        assertThat(texts(names.path("shortNames"))).containsExactly("dbc");
    }

    @Test
    void servesAndStoresVersionV1alpha1() {
        assertThat(version.path("name").asText()).isEqualTo(DatabaseCluster.VERSION).isEqualTo("v1alpha1");
        assertThat(version.path("served").asBoolean()).isTrue();
        assertThat(version.path("storage").asBoolean()).isTrue();
        assertThat(DatabaseCluster.API_VERSION).isEqualTo("canopy.dev/v1alpha1");
    }

    @Test
    void hasTheStatusSubresource() {
        JsonNode status = version.path("subresources").path("status");
        assertThat(status.isObject()).as("subresources.status").isTrue();
    }

    @Test
    void hasThePrinterColumns() {
        Map<String, JsonNode> columns = new LinkedHashMap<>();
        version.path("additionalPrinterColumns").forEach(c -> columns.put(c.path("name").asText(), c));
        assertThat(columns.keySet()).containsExactlyInAnyOrder("Aggregators", "Leaves", "Redundancy", "Release", "Phase", "Age");

        assertThat(columns.get("Aggregators").path("jsonPath").asText()).isEqualTo(".spec.aggregators.count");
        assertThat(columns.get("Aggregators").path("type").asText()).isEqualTo("integer");
        assertThat(columns.get("Leaves").path("jsonPath").asText()).isEqualTo(".spec.leaves.count");
        assertThat(columns.get("Leaves").path("type").asText()).isEqualTo("integer");
        assertThat(columns.get("Redundancy").path("jsonPath").asText()).isEqualTo(".spec.redundancyLevel");
        assertThat(columns.get("Redundancy").path("type").asText()).isEqualTo("integer");
        assertThat(columns.get("Release").path("jsonPath").asText()).isEqualTo(".spec.release");
        assertThat(columns.get("Release").path("type").asText()).isEqualTo("string");
        assertThat(columns.get("Phase").path("jsonPath").asText()).isEqualTo(".status.phase");
        assertThat(columns.get("Phase").path("type").asText()).isEqualTo("string");
        assertThat(columns.get("Age").path("jsonPath").asText()).isEqualTo(".metadata.creationTimestamp");
        assertThat(columns.get("Age").path("type").asText()).isEqualTo("date");
    }

    @Test
    void specRequiresReleaseRedundancyAggregatorsAndLeaves() {
        assertThat(texts(spec.path("required")))
                .containsExactlyInAnyOrder("release", "redundancyLevel", "aggregators", "leaves");
        assertThat(texts(property("aggregators").path("required"))).containsExactlyInAnyOrder("count", "height");
        assertThat(texts(property("leaves").path("required"))).containsExactlyInAnyOrder("count", "height", "storageGB");
    }

    @Test
    void specPropertiesAreExactlyTheRecordComponents() {
        List<String> properties = new ArrayList<>();
        spec.path("properties").fieldNames().forEachRemaining(properties::add);
        List<String> components = Arrays.stream(DatabaseClusterSpec.class.getRecordComponents()).map(c -> c.getName()).toList();
        assertThat(properties).containsExactlyInAnyOrderElementsOf(components);
    }

    @Test
    void redundancyLevelBoundsAreTheValidatorsBounds() {
        JsonNode redundancy = property("redundancyLevel");
        assertThat(redundancy.path("type").asText()).isEqualTo("integer");
        assertThat(redundancy.path("minimum").asDouble()).isEqualTo(Limits.MIN_REDUNDANCY);
        assertThat(redundancy.path("maximum").asDouble()).isEqualTo(Limits.MAX_REDUNDANCY);
        // and the validator refuses exactly outside those numbers
        assertThat(SpecValidator.validate(SpecValidatorTest.withRedundancy((int) Limits.MIN_REDUNDANCY))).isEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withRedundancy((int) Limits.MAX_REDUNDANCY))).isEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withRedundancy((int) Limits.MIN_REDUNDANCY - 1))).isNotEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withRedundancy((int) Limits.MAX_REDUNDANCY + 1))).isNotEmpty();
    }

    @Test
    void countBoundsAreTheValidatorsBounds() {
        assertThat(property("aggregators.count").path("type").asText()).isEqualTo("integer");
        assertThat(property("aggregators.count").path("minimum").asDouble()).isEqualTo(Limits.MIN_AGGREGATORS);
        assertThat(property("aggregators.count").path("maximum").asDouble()).isEqualTo(Limits.MAX_AGGREGATORS);
        assertThat(property("leaves.count").path("type").asText()).isEqualTo("integer");
        assertThat(property("leaves.count").path("minimum").asDouble()).isEqualTo(Limits.MIN_LEAVES);
        assertThat(property("leaves.count").path("maximum").asDouble()).isEqualTo(Limits.MAX_LEAVES);

        assertThat(SpecValidator.validate(SpecValidatorTest.withLeaves(new LeavesSpec((int) Limits.MIN_LEAVES, 1.0, 1, null)))).isEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withLeaves(new LeavesSpec((int) Limits.MAX_LEAVES, 1.0, 1, null)))).isEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withLeaves(new LeavesSpec((int) Limits.MAX_LEAVES + 1, 1.0, 1, null))))
                .containsExactly("spec.leaves.count: must be from " + Limits.MIN_LEAVES + " to " + Limits.MAX_LEAVES
                        + ", got " + (Limits.MAX_LEAVES + 1));
        assertThat(SpecValidator.validate(SpecValidatorTest.withAggregators(new AggregatorsSpec((int) Limits.MAX_AGGREGATORS + 1, 1.0))))
                .containsExactly("spec.aggregators.count: must be from " + Limits.MIN_AGGREGATORS + " to " + Limits.MAX_AGGREGATORS
                        + ", got " + (Limits.MAX_AGGREGATORS + 1));
    }

    @Test
    void heightBoundsAreTheValidatorsBounds() {
        for (String height : List.of("aggregators.height", "leaves.height")) {
            assertThat(property(height).path("type").asText()).isEqualTo("number");
            assertThat(property(height).path("minimum").asDouble()).isEqualTo(Limits.MIN_HEIGHT);
            assertThat(property(height).path("maximum").asDouble()).isEqualTo(Limits.MAX_HEIGHT);
        }
        assertThat(SpecValidator.validate(SpecValidatorTest.withLeaves(new LeavesSpec(1, Limits.MIN_HEIGHT, 1, null)))).isEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withLeaves(new LeavesSpec(1, Limits.MAX_HEIGHT, 1, null)))).isEmpty();
        assertThat(SpecValidator.validate(SpecValidatorTest.withLeaves(new LeavesSpec(1, Limits.MAX_HEIGHT + 0.25, 1, null)))).isNotEmpty();
    }

    @Test
    void storageBoundsAreTheValidatorsBounds() {
        JsonNode storage = property("leaves.storageGB");
        assertThat(storage.path("type").asText()).isEqualTo("integer");
        assertThat(storage.path("minimum").asDouble()).isEqualTo(Limits.MIN_STORAGE_GB);
        assertThat(storage.path("maximum").asDouble()).isEqualTo(Limits.MAX_STORAGE_GB);
    }

    @Test
    void patternsAreTheValidatorsPatterns() {
        assertThat(property("release").path("type").asText()).isEqualTo("string");
        assertThat(property("release").path("pattern").asText()).isEqualTo(Limits.RELEASE_PATTERN);
        assertThat(property("leaves.storageClass").path("pattern").asText()).isEqualTo(Limits.STORAGE_CLASS_PATTERN);
    }

    @Test
    void suspendedIsABooleanAndConfigAMapOfStrings() {
        assertThat(property("suspended").path("type").asText()).isEqualTo("boolean");
        JsonNode config = property("config");
        assertThat(config.path("type").asText()).isEqualTo("object");
        assertThat(config.path("additionalProperties").path("type").asText()).isEqualTo("string");
    }

    @Test
    void configIsValidatedByTheAllowListRuleExactlyOnce() {
        JsonNode validations = property("config").path("x-kubernetes-validations");
        // x-kubernetes-validations is a list-map keyed by rule: a duplicate rule breaks server-side apply
        assertThat(validations).hasSize(1);
        assertThat(validations.get(0).path("rule").asText()).isEqualTo(EngineSetting.CEL_ALLOWED_KEYS);
        assertThat(validations.get(0).path("message").asText()).isEqualTo("not an allowed engine setting");
    }

    /**
     * The spec's rules, each once (a duplicate rule breaks server-side apply): the transition rules of suspended
     * clusters and older engines, and the autoscaler's bounds against the leaves.
     */
    @Test
    void specCarriesTheTransitionRulesOfSuspendedClustersAndOlderEngines() {
        Map<String, String> rules = new LinkedHashMap<>();
        spec.path("x-kubernetes-validations").forEach(v -> rules.put(v.path("rule").asText(), v.path("message").asText()));
        assertThat(rules).containsExactlyInAnyOrderEntriesOf(Map.of(SuspendedChanges.CEL_RULE, SuspendedChanges.CEL_MESSAGE,
                OlderEngineChanges.CEL_RULE, OlderEngineChanges.CEL_MESSAGE,
                AutoscalingSpec.CEL_STORAGE_RULE, AutoscalingSpec.CEL_STORAGE_MESSAGE,
                AutoscalingSpec.CEL_COMPUTE_RULE, AutoscalingSpec.CEL_COMPUTE_MESSAGE));
        assertThat(spec.path("x-kubernetes-validations")).hasSize(4);
        assertThat(OlderEngineChanges.CEL_RULE).contains("oldSelf.leaves.count", "self.release.matches(");
    }

    @Test
    void autoscalingBoundsAreTheValidatorsBounds() {
        assertThat(property("autoscaling.storage.thresholdPercent").path("minimum").asDouble()).isEqualTo(Limits.MIN_THRESHOLD_PERCENT);
        assertThat(property("autoscaling.storage.thresholdPercent").path("maximum").asDouble()).isEqualTo(Limits.MAX_THRESHOLD_PERCENT);
        assertThat(property("autoscaling.storage.stepPercent").path("minimum").asDouble()).isEqualTo(Limits.MIN_STEP_PERCENT);
        assertThat(property("autoscaling.storage.stepPercent").path("maximum").asDouble()).isEqualTo(Limits.MAX_STEP_PERCENT);
        assertThat(texts(property("autoscaling.storage").path("required"))).containsExactly("maxStorageGB");
        assertThat(texts(property("autoscaling.compute").path("required"))).containsExactlyInAnyOrder("minLeaves", "maxLeaves");
        assertThat(property("autoscaling.compute.minLeaves").path("minimum").asDouble()).isEqualTo(Limits.MIN_LEAVES);
        assertThat(property("autoscaling.compute.maxLeaves").path("maximum").asDouble()).isEqualTo(Limits.MAX_LEAVES);
        assertThat(property("autoscaling.compute.cpuPercent").path("maximum").asDouble()).isEqualTo(Limits.MAX_TARGET_PERCENT);
        assertThat(property("autoscaling.compute.scaleOutAfter").path("pattern").asText()).isEqualTo(Limits.DURATION_PATTERN);
        assertThat(property("autoscaling.suspendAfterIdle").path("pattern").asText()).isEqualTo(Limits.DURATION_PATTERN);
        assertThat(property("autoscaling.compute.maintenanceWindow.start").path("pattern").asText()).isEqualTo(Limits.TIME_OF_DAY_PATTERN);
        JsonNode computeRules = property("autoscaling.compute").path("x-kubernetes-validations");
        assertThat(computeRules).hasSize(1);
        assertThat(computeRules.get(0).path("rule").asText()).isEqualTo("self.maxLeaves >= self.minLeaves");
    }

    @Test
    void celAllowListNamesExactlyEveryEngineSetting() {
        Matcher rule = Pattern.compile("^self\\.all\\(k, k in \\[(.*)]\\)$").matcher(EngineSetting.CEL_ALLOWED_KEYS);
        assertThat(rule.matches()).as("CEL_ALLOWED_KEYS has the shape self.all(k, k in [...]): %s",
                EngineSetting.CEL_ALLOWED_KEYS).isTrue();
        List<String> keys = new ArrayList<>();
        for (String quoted : rule.group(1).split(",")) {
            String key = quoted.strip();
            assertThat(key).startsWith("'").endsWith("'");
            keys.add(key.substring(1, key.length() - 1));
        }
        List<String> constants = Arrays.stream(EngineSetting.values()).map(Enum::name).toList();
        assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(constants);
    }

    @Test
    void everyEngineSettingIsFoundByItsKeyAndDescribed() {
        for (EngineSetting setting : EngineSetting.values()) {
            assertThat(EngineSetting.byKey(setting.name())).contains(setting);
            assertThat(setting.description()).isNotBlank();
        }
        assertThat(EngineSetting.byKey("nope")).isEmpty();
    }

    @Test
    void statusPhaseEnumIsThePhases() {
        JsonNode phase = version.path("schema").path("openAPIV3Schema").path("properties").path("status")
                .path("properties").path("phase");
        assertThat(texts(phase.path("enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Phase.values()).map(Enum::name).toList());
    }
}

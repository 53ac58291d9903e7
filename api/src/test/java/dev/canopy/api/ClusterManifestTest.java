package dev.canopy.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ClusterManifestTest {

    private static final String SPEC_FIELDS = "aggregators, autoscaling, backup, config, crossRegion, leaves, redundancyLevel, release, replicaOf, suspended, upgradeStrategy";

    private static final String VALID = """
            apiVersion: canopy.dev/v1alpha1
            kind: DatabaseCluster
            metadata:
              name: orders
              namespace: prod
              labels:
                team: payments
              annotations:
                note: "first cluster"
            spec:
              release: 2.17.0
              redundancyLevel: 2
              aggregators:
                count: 2
                height: 1
              leaves:
                count: 3
                height: 2.5
                storageGB: 50
                storageClass: fast-ssd
              config:
                walMode: LOG_ONLY
                failureDetectionTimeoutMs: "10000"
              suspended: false
            """;

    /** A minimal valid manifest whose spec lines are {@code specBody}, indented by two spaces by the caller. */
    private static String manifest(String specBody) {
        return """
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata:
                  name: orders
                spec:
                """ + specBody;
    }

    private static final String MINIMAL_SPEC = """
              release: 2.17.0
              redundancyLevel: 2
              aggregators:
                count: 1
                height: 1
              leaves:
                count: 2
                height: 1
                storageGB: 10
            """;

    private static List<String> problems(String yaml) {
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> ClusterManifest.parse(yaml));
        assertThat(e).as("parse should refuse:\n%s", yaml).isNotNull();
        return e.problems();
    }

    // --- a valid manifest -------------------------------------------------------------------------------------------

    @Test
    void parsesAValidManifestIntoItsRecords() {
        ClusterManifest manifest = ClusterManifest.parse(VALID);

        assertThat(manifest.name()).isEqualTo("orders");
        assertThat(manifest.spec()).isEqualTo(new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, 1.0),
                new LeavesSpec(3, 2.5, 50, "fast-ssd"),
                Map.of("walMode", "LOG_ONLY", "failureDetectionTimeoutMs", "10000"), false));
        assertThat(manifest.spec().isSuspended()).isFalse();
    }

    @Test
    void parsesAMinimalManifestLeavingOptionalFieldsEmpty() {
        ClusterManifest manifest = ClusterManifest.parse(manifest(MINIMAL_SPEC));

        assertThat(manifest).isEqualTo(new ClusterManifest("orders", new DatabaseClusterSpec("2.17.0", 2,
                new AggregatorsSpec(1, 1.0), new LeavesSpec(2, 1.0, 10, null), null, null)));
        assertThat(manifest.spec().config()).isEmpty();
        assertThat(manifest.spec().suspended()).isNull();
        assertThat(manifest.spec().isSuspended()).isFalse();
    }

    @Test
    void aWholeNumberIsAcceptedForAHeight() {
        // 1 is a valid representation of 1.0; only the reverse (2.5 for a count) is refused
        assertThat(ClusterManifest.parse(manifest(MINIMAL_SPEC)).spec().leaves().height()).isEqualTo(1.0);
    }

    @Test
    void suspendedTrueIsRead() {
        ClusterManifest manifest = ClusterManifest.parse(manifest(MINIMAL_SPEC + "  suspended: true\n"));
        assertThat(manifest.spec().isSuspended()).isTrue();
    }

    @Test
    void constructorRefusesAnInvalidManifest() {
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                () -> new ClusterManifest("Orders", SpecValidatorTest.withRedundancy(3)));
        assertThat(e.problems()).containsExactly(
                "metadata.name: must start with a lower-case letter and hold only lower-case letters, digits and '-', got Orders",
                "spec.redundancyLevel: must be 1 or 2, got 3");
        assertThat(e).hasMessage("invalid DatabaseCluster:\n"
                + "  metadata.name: must start with a lower-case letter and hold only lower-case letters, digits and '-', got Orders\n"
                + "  spec.redundancyLevel: must be 1 or 2, got 3");
    }

    @Test
    void constructorRefusesANullSpec() {
        assertThat(catchThrowableOfType(InvalidSpecException.class, () -> new ClusterManifest("orders", null)).problems())
                .containsExactly("spec: is required");
    }

    // --- unknown fields ---------------------------------------------------------------------------------------------

    @Test
    void unknownTopLevelFieldIsReported() {
        assertThat(problems(manifest(MINIMAL_SPEC) + "colour:\n  shade: blue\n")).containsExactly(
                "colour: unknown field; known fields here: apiVersion, kind, metadata, spec, status");
    }

    @Test
    void statusAndServerSetMetadataAreIgnoredSoThatAPrintedClusterCanBeAppliedAgain() {
        String printed = manifest(MINIMAL_SPEC).replace("metadata:\n", "metadata:\n  generation: 3\n  uid: abc\n")
                + "status:\n  phase: Ready\n";
        assertThat(ClusterManifest.parse(printed).spec()).isEqualTo(ClusterManifest.parse(manifest(MINIMAL_SPEC)).spec());
    }

    @Test
    void unknownMetadataFieldIsReported() {
        String yaml = manifest(MINIMAL_SPEC).replace("  name: orders\n", "  name: orders\n  owner: 42\n");
        assertThat(problems(yaml)).containsExactly(
                "metadata.owner: unknown field; known fields here: annotations, creationTimestamp, generation, labels, name, "
                        + "namespace, resourceVersion, uid");
    }

    @Test
    void unknownSpecFieldIsReported() {
        assertThat(problems(manifest(MINIMAL_SPEC + "  replicas: 3\n"))).containsExactly(
                "spec.replicas: unknown field; known fields here: " + SPEC_FIELDS);
    }

    @Test
    void unknownLeavesFieldIsReportedWithItsFullPath() {
        String yaml = manifest(MINIMAL_SPEC.replace("    count: 2\n", "    cnt: 2\n"));
        // the misspelt field is skipped and the rest still checked: the field it was meant to be is missing
        assertThat(problems(yaml)).containsExactly(
                "spec.leaves.cnt: unknown field; known fields here: count, height, storageClass, storageGB",
                "spec.leaves.count: is required");
    }

    @Test
    void unknownAggregatorsFieldIsReportedWithItsFullPath() {
        String yaml = manifest(MINIMAL_SPEC.replace("    height: 1\n  leaves:", "    height: 1\n    size: 4\n  leaves:"));
        assertThat(problems(yaml)).containsExactly(
                "spec.aggregators.size: unknown field; known fields here: count, height");
    }

    @Test
    void unknownFieldWhoseValueIsAMappingIsReportedWithItsPathOnce() {
        String yaml = manifest(MINIMAL_SPEC + "  resources:\n    cpu: 1\n");
        assertThat(problems(yaml)).containsExactly(
                "spec.resources: unknown field; known fields here: " + SPEC_FIELDS);
    }

    @Test
    void unknownNestedFieldWhoseValueIsAListIsReportedWithItsPathOnce() {
        String yaml = manifest(MINIMAL_SPEC + "    tolerations:\n    - a\n    - b\n");
        assertThat(problems(yaml)).containsExactly(
                "spec.leaves.tolerations: unknown field; known fields here: count, height, storageClass, storageGB");
    }

    @Test
    void everyUnknownFieldIsReportedAtOnce() {
        String yaml = """
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                extra: 1
                metadata:
                  name: orders
                  owner: 42
                spec:
                  release: 2.17.0
                  redundancyLevel: 2
                  replicas: 3
                  aggregators:
                    count: 1
                    height: 1
                    size: 4
                  leaves:
                    cnt: 2
                    height: 1
                    storageGB: 10
                """;
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "extra: unknown field; known fields here: apiVersion, kind, metadata, spec, status",
                "metadata.owner: unknown field; known fields here: annotations, creationTimestamp, generation, labels, name, "
                        + "namespace, resourceVersion, uid",
                "spec.replicas: unknown field; known fields here: " + SPEC_FIELDS,
                "spec.aggregators.size: unknown field; known fields here: count, height",
                "spec.leaves.cnt: unknown field; known fields here: count, height, storageClass, storageGB",
                "spec.leaves.count: is required");
    }

    // --- wrong types ------------------------------------------------------------------------------------------------

    @Test
    void wordForRedundancyLevelIsRefusedNotCoerced() {
        String yaml = manifest(MINIMAL_SPEC.replace("redundancyLevel: 2", "redundancyLevel: two"));
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.redundancyLevel: must be a whole number");
    }

    @Test
    void quotedDigitsForRedundancyLevelAreRefusedNotCoerced() {
        String yaml = manifest(MINIMAL_SPEC.replace("redundancyLevel: 2", "redundancyLevel: \"2\""));
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.redundancyLevel: must be a whole number");
    }

    @Test
    void fractionForACountIsRefusedNotTruncated() {
        String yaml = manifest(MINIMAL_SPEC.replace("    count: 2\n", "    count: 2.5\n"));
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.leaves.count: must be a whole number");
    }

    @Test
    void quotedYesForSuspendedIsRefusedNotCoerced() {
        String yaml = manifest(MINIMAL_SPEC + "  suspended: \"yes\"\n");
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.suspended: must be true or false");
    }

    @Test
    void quotedTrueForSuspendedIsRefusedNotCoerced() {
        String yaml = manifest(MINIMAL_SPEC + "  suspended: \"true\"\n");
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.suspended: must be true or false");
    }

    @Test
    void numberForSuspendedIsRefused() {
        String yaml = manifest(MINIMAL_SPEC + "  suspended: 1\n");
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.suspended: must be true or false");
    }

    @Test
    void wordForAHeightIsRefused() {
        String yaml = manifest(MINIMAL_SPEC.replace("    height: 1\n    storageGB", "    height: big\n    storageGB"));
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.leaves.height: must be a number");
    }

    @Test
    void quotedStorageIsRefused() {
        String yaml = manifest(MINIMAL_SPEC.replace("storageGB: 10", "storageGB: \"10\""));
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.leaves.storageGB: must be a whole number");
    }

    @Test
    void booleanForACountIsRefused() {
        String yaml = manifest(MINIMAL_SPEC.replace("    count: 1\n", "    count: true\n"));
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.aggregators.count: must be a whole number");
    }

    @Test
    void scalarForLeavesIsRefused() {
        String yaml = manifest("""
                  release: 2.17.0
                  redundancyLevel: 2
                  aggregators:
                    count: 1
                    height: 1
                  leaves: 3
                """);
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.leaves: must be a mapping");
    }

    @Test
    void listForConfigIsRefused() {
        String yaml = manifest(MINIMAL_SPEC + "  config:\n  - walMode\n");
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.config: must be a mapping");
    }

    @Test
    void mappingForAConfigValueIsRefused() {
        String yaml = manifest(MINIMAL_SPEC + "  config:\n    walMode:\n      mode: FSYNC\n");
        assertThat(problems(yaml)).singleElement().asString().startsWith("spec.config.walMode: must be a string");
    }

    @Test
    void emptyConfigValueIsRefusedNamingTheSetting() {
        String yaml = manifest(MINIMAL_SPEC + "  config:\n    walMode:\n");
        assertThat(problems(yaml)).containsExactly("spec.config.walMode: must be one of FSYNC, LOG_ONLY, BACKGROUND, got ");
    }

    @Test
    void nullConfigValueIsRefusedNamingTheSetting() {
        String yaml = manifest(MINIMAL_SPEC + "  config:\n    walMode: null\n");
        assertThat(problems(yaml)).containsExactly("spec.config.walMode: must have a value");
    }

    @Test
    void everyNullConfigValueIsReportedWithOtherProblems() {
        String yaml = manifest(MINIMAL_SPEC + "  config:\n    walMode: ~\n    sqlQueryTimeoutMs: null\n    checkpointFrequencyMs: \"5000\"\n"
                + "  replicas: 2\n");
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "spec.config.walMode: must have a value",
                "spec.config.sqlQueryTimeoutMs: must have a value",
                "spec.replicas: unknown field; known fields here: " + SPEC_FIELDS);
    }

    @Test
    void unquotedNumberForAConfigValueIsReadAsItsText() {
        ClusterManifest manifest = ClusterManifest.parse(manifest(MINIMAL_SPEC + "  config:\n    sqlQueryTimeoutMs: 30000\n"));
        assertThat(manifest.spec().config()).containsExactly(Map.entry("sqlQueryTimeoutMs", "30000"));
    }

    // --- apiVersion, kind, metadata, spec ---------------------------------------------------------------------------

    @Test
    void wrongApiVersionIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("canopy.dev/v1alpha1", "canopy.dev/v1");
        assertThat(problems(yaml)).containsExactly("apiVersion: must be canopy.dev/v1alpha1, got canopy.dev/v1");
    }

    @Test
    void missingApiVersionIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("apiVersion: canopy.dev/v1alpha1\n", "");
        assertThat(problems(yaml)).containsExactly("apiVersion: must be canopy.dev/v1alpha1, got nothing");
    }

    @Test
    void wrongKindIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("kind: DatabaseCluster", "kind: Database");
        assertThat(problems(yaml)).containsExactly("kind: must be DatabaseCluster, got Database");
    }

    @Test
    void missingKindIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("kind: DatabaseCluster\n", "");
        assertThat(problems(yaml)).containsExactly("kind: must be DatabaseCluster, got nothing");
    }

    @Test
    void missingSpecIsRefused() {
        String yaml = """
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata:
                  name: orders
                """;
        assertThat(problems(yaml)).containsExactly("spec: is required");
    }

    @Test
    void emptySpecIsRefused() {
        assertThat(problems(manifest(""))).containsExactly("spec: must be a mapping");
    }

    @Test
    void nullSpecIsRefused() {
        assertThat(problems(manifest("  null\n"))).containsExactly("spec: is required");
        assertThat(problems(manifest("  ~\n"))).containsExactly("spec: is required");
    }

    @Test
    void specThatIsNotAMappingIsRefused() {
        assertThat(problems(manifest("  - a\n"))).containsExactly("spec: must be a mapping");
    }

    @Test
    void specWithNoFieldsReportsEveryRequiredField() {
        assertThat(problems(manifest("  {}\n"))).containsExactly(
                "spec.release: is required",
                "spec.redundancyLevel: is required",
                "spec.aggregators: is required",
                "spec.leaves: is required");
    }

    @Test
    void missingNameIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("metadata:\n  name: orders\n", "metadata:\n  namespace: prod\n");
        assertThat(problems(yaml)).containsExactly("metadata.name: is required");
    }

    @Test
    void missingMetadataIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("metadata:\n  name: orders\n", "");
        assertThat(problems(yaml)).containsExactly("metadata.name: is required");
    }

    @Test
    void invalidNameIsRefused() {
        String yaml = manifest(MINIMAL_SPEC).replace("name: orders", "name: Orders_DB");
        assertThat(problems(yaml)).containsExactly(
                "metadata.name: must start with a lower-case letter and hold only lower-case letters, digits and '-', got Orders_DB");
    }

    @Test
    void ruleViolationsOfTheSpecAreReported() {
        String yaml = manifest(MINIMAL_SPEC.replace("redundancyLevel: 2", "redundancyLevel: 3"));
        assertThat(problems(yaml)).containsExactly("spec.redundancyLevel: must be 1 or 2, got 3");
    }

    @Test
    void anUpgradeStrategyIsOneOfTwoAndNamedWhenNot() {
        assertThat(ClusterManifest.parse(manifest(MINIMAL_SPEC + "  upgradeStrategy: CoordinatedRestart\n")).spec().upgradeStrategy())
                .isEqualTo(DatabaseClusterSpec.COORDINATED_RESTART);
        assertThat(ClusterManifest.parse(manifest(MINIMAL_SPEC + "  upgradeStrategy: BlueGreen\n")).spec().upgradeStrategy())
                .isEqualTo(DatabaseClusterSpec.BLUE_GREEN);
        assertThat(problems(manifest(MINIMAL_SPEC + "  upgradeStrategy: Rolling\n"))).containsExactly(
                "spec.upgradeStrategy: must be BlueGreen or CoordinatedRestart, got Rolling");
    }

    @Test
    void aReplicaNamesItsSourceClusterAndOptionallyItsRegion() {
        ReplicaOfSpec source = ClusterManifest.parse(manifest(MINIMAL_SPEC + "  replicaOf:\n    cluster: orders\n    region: eu-west\n"))
                .spec().replicaOf();
        assertThat(source).isEqualTo(new ReplicaOfSpec("orders", "eu-west"));
        assertThat(problems(manifest(MINIMAL_SPEC + "  replicaOf:\n    region: Eu\n"))).containsExactly(
                "spec.replicaOf.cluster: is required",
                "spec.replicaOf.region: must be a region name (lower-case letters, digits and '-'), got Eu");
    }

    @Test
    void autoscalingIsReadWithItsDefaultsLeftAbsentAndWrittenBackTheSame() {
        String yaml = manifest(MINIMAL_SPEC + """
                  autoscaling:
                    storage:
                      maxStorageGB: 40
                    compute:
                      minLeaves: 2
                      maxLeaves: 4
                      cpuPercent: 60
                      maintenanceWindow:
                        start: "02:00"
                        duration: 4h
                    suspendAfterIdle: 30m
                """);
        ClusterManifest manifest = ClusterManifest.parse(yaml);
        assertThat(manifest.spec().autoscaling()).isEqualTo(new AutoscalingSpec(
                new StorageAutoscaling(null, null, 40),
                new ComputeAutoscaling(2, 4, 60, null, null, null, null, null, new MaintenanceWindow("02:00", "4h")),
                "30m"));
        assertThat(manifest.spec().autoscaling().storage().thresholdPercentOrDefault()).isEqualTo(80);
        assertThat(ClusterManifest.parse(manifest.toYaml())).isEqualTo(manifest);
        // a manifest without it reads as before: no autoscaling, nothing written for it
        ClusterManifest plain = ClusterManifest.parse(manifest(MINIMAL_SPEC));
        assertThat(plain.spec().autoscaling()).isNull();
        assertThat(plain.toYaml()).doesNotContain("autoscaling");
    }

    @Test
    void autoscalingProblemsAreReportedThroughParseWithTheirPaths() {
        assertThat(problems(manifest(MINIMAL_SPEC + """
                  autoscaling:
                    storage:
                      maxStorageGB: 5
                      limit: 90
                    compute:
                      minLeaves: 3
                      maxLeaves: 2
                    suspendAfterIdle: 10
                """))).containsExactly(
                "spec.autoscaling.storage.limit: unknown field; known fields here: maxStorageGB, stepPercent, thresholdPercent",
                "spec.autoscaling.storage.maxStorageGB: must be at least spec.leaves.storageGB (10), got 5",
                "spec.autoscaling.compute.maxLeaves: must be at least minLeaves (3), got 2",
                "spec.autoscaling.suspendAfterIdle: must be a number and a unit, s (seconds), m (minutes), h (hours) or d (days),"
                        + " like 90s, 5m or 1h, got 10");
    }

    @Test
    void configKeyOutsideTheAllowListIsReportedThroughParse() {
        String yaml = manifest(MINIMAL_SPEC + "  config:\n    pageSize: \"8192\"\n");
        assertThat(problems(yaml)).containsExactly("spec.config.pageSize: not an allowed engine setting; allowed: "
                + "failureDetectionTimeoutMs, checkpointFrequencyMs, walMode, sqlQueryTimeoutMs, cdcWalForceArchiveTimeoutMs");
    }

    @Test
    void problemsOfEveryPartAreReportedTogether() {
        String yaml = """
                apiVersion: canopy.dev/v2
                kind: DatabaseCluster
                metadata:
                  name: Orders
                spec:
                  release: latest
                  redundancyLevel: 3
                  aggregators:
                    count: 0
                    height: 1
                  leaves:
                    count: 2
                    height: 1
                    storageGB: 10
                """;
        assertThat(problems(yaml)).containsExactly(
                "apiVersion: must be canopy.dev/v1alpha1, got canopy.dev/v2",
                "metadata.name: must start with a lower-case letter and hold only lower-case letters, digits and '-', got Orders",
                "spec.release: must be a version like 2.17.0, got latest",
                "spec.redundancyLevel: must be 1 or 2, got 3",
                "spec.aggregators.count: must be from 1 to 32, got 0");
    }

    // --- YAML that is not a DatabaseCluster -------------------------------------------------------------------------

    @Test
    void invalidYamlIsRefusedWithAClearMessage() {
        List<String> problems = problems("apiVersion: canopy.dev/v1alpha1\nspec: [unclosed\n");
        assertThat(problems).singleElement().asString().startsWith("not valid YAML: ").contains("(line ");
    }

    @Test
    void badlyIndentedYamlIsRefused() {
        List<String> problems = problems("apiVersion: canopy.dev/v1alpha1\nkind: DatabaseCluster\n  metadata: x\n");
        assertThat(problems).singleElement().asString().startsWith("not valid YAML: ");
    }

    @Test
    void aListIsNotADatabaseCluster() {
        assertThat(problems("- a\n- b\n")).containsExactly(
                "a DatabaseCluster must be a YAML mapping with apiVersion, kind, metadata and spec");
    }

    @Test
    void aScalarIsNotADatabaseCluster() {
        assertThat(problems("hello\n")).containsExactly(
                "a DatabaseCluster must be a YAML mapping with apiVersion, kind, metadata and spec");
    }

    @Test
    void anEmptyDocumentIsNotADatabaseCluster() {
        assertThat(problems("")).containsExactly(
                "a DatabaseCluster must be a YAML mapping with apiVersion, kind, metadata and spec");
    }

    @Test
    void exceptionMessageListsEveryProblem() {
        assertThatThrownBy(() -> ClusterManifest.parse(manifest(MINIMAL_SPEC + "  replicas: 3\n")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("invalid DatabaseCluster:\n  spec.replicas: unknown field");
    }

    // --- toYaml -----------------------------------------------------------------------------------------------------

    @Test
    void toYamlRoundTripsThroughParse() {
        ClusterManifest manifest = ClusterManifest.parse(VALID);
        assertThat(ClusterManifest.parse(manifest.toYaml())).isEqualTo(manifest);
    }

    @Test
    void toYamlRoundTripsEveryField() {
        ClusterManifest manifest = new ClusterManifest("analytics", new DatabaseClusterSpec("2.17.0", 1,
                new AggregatorsSpec(3, 0.75), new LeavesSpec(4, 8.0, 200, "local.path"),
                Map.of("walMode", "FSYNC", "sqlQueryTimeoutMs", "0", "checkpointFrequencyMs", "60000",
                        "failureDetectionTimeoutMs", "15000"),
                true));
        assertThat(ClusterManifest.parse(manifest.toYaml())).isEqualTo(manifest);
    }

    @Test
    void toYamlRoundTripsAMinimalManifest() {
        ClusterManifest manifest = new ClusterManifest("a", SpecValidatorTest.valid());
        assertThat(ClusterManifest.parse(manifest.toYaml())).isEqualTo(manifest);
    }

    @Test
    void specJsonKeepsSuspendedAndNothingElse() throws Exception {
        // the operator reads and writes the spec with plain Jackson: suspended must survive both ways
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        DatabaseClusterSpec spec = SpecValidatorTest.valid().withSuspended(true);
        String json = mapper.writeValueAsString(spec);
        assertThat(mapper.readTree(json).fieldNames()).toIterable()
                .containsExactlyInAnyOrder("release", "redundancyLevel", "aggregators", "leaves", "config", "suspended");
        assertThat(mapper.readValue(json, DatabaseClusterSpec.class)).isEqualTo(spec);
        assertThat(mapper.writeValueAsString(SpecValidatorTest.valid())).doesNotContain("suspended");
    }

    @Test
    void toYamlWritesSuspended() {
        assertThat(new ClusterManifest("orders", SpecValidatorTest.valid().withSuspended(true)).toYaml())
                .contains("suspended: true");
    }

    @Test
    void toYamlWritesTheResourceShape() {
        String yaml = new ClusterManifest("orders", SpecValidatorTest.valid()).toYaml();
        assertThat(yaml)
                .doesNotStartWith("---")
                .contains("apiVersion: \"canopy.dev/v1alpha1\"")
                .contains("kind: \"DatabaseCluster\"")
                .contains("name: \"orders\"")
                .contains("redundancyLevel: 2")
                .doesNotContain("storageClass")
                .doesNotContain("suspended");
    }
}

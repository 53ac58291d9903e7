package dev.canopy.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpecValidatorTest {

    private static final String ALLOWED = "failureDetectionTimeoutMs, checkpointFrequencyMs, walMode, sqlQueryTimeoutMs, cdcWalForceArchiveTimeoutMs";

    static DatabaseClusterSpec valid() {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 1.0), new LeavesSpec(2, 2.0, 10, null), Map.of(), null);
    }

    static DatabaseClusterSpec withRelease(String release) {
        DatabaseClusterSpec s = valid();
        return new DatabaseClusterSpec(release, s.redundancyLevel(), s.aggregators(), s.leaves(), s.config(), s.suspended());
    }

    static DatabaseClusterSpec withRedundancy(Integer redundancy) {
        DatabaseClusterSpec s = valid();
        return new DatabaseClusterSpec(s.release(), redundancy, s.aggregators(), s.leaves(), s.config(), s.suspended());
    }

    static DatabaseClusterSpec withAggregators(AggregatorsSpec aggregators) {
        DatabaseClusterSpec s = valid();
        return new DatabaseClusterSpec(s.release(), s.redundancyLevel(), aggregators, s.leaves(), s.config(), s.suspended());
    }

    static DatabaseClusterSpec withLeaves(LeavesSpec leaves) {
        DatabaseClusterSpec s = valid();
        return new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(), leaves, s.config(), s.suspended());
    }

    static DatabaseClusterSpec withConfig(Map<String, String> config) {
        DatabaseClusterSpec s = valid();
        return new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(), s.leaves(), config, s.suspended());
    }

    static DatabaseClusterSpec withSetting(String key, String value) {
        return withConfig(Map.of(key, value));
    }

    // --- a valid spec -----------------------------------------------------------------------------------------------

    @Test
    void validSpecHasNoProblems() {
        assertThat(SpecValidator.validate(valid())).isEmpty();
    }

    @Test
    void validSpecWithEveryOptionalFieldHasNoProblems() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("10.0.12", 1, new AggregatorsSpec(32, 64.0),
                new LeavesSpec(64, 0.25, 65536, "fast-ssd.local"),
                Map.of("failureDetectionTimeoutMs", "10000", "checkpointFrequencyMs", "180000",
                        "walMode", "LOG_ONLY", "sqlQueryTimeoutMs", "0"),
                true);
        assertThat(SpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void nullSpecIsRequired() {
        assertThat(SpecValidator.validate(null)).containsExactly("spec: is required");
    }

    // --- release ----------------------------------------------------------------------------------------------------

    @Test
    void releaseIsRequired() {
        assertThat(SpecValidator.validate(withRelease(null))).containsExactly("spec.release: is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2.17", "v2.17.0", "2.17.0-SNAPSHOT", "2.17.0.1", "latest", " 2.17.0", "2.x.0"})
    void releaseMustLookLikeAVersion(String release) {
        assertThat(SpecValidator.validate(withRelease(release)))
                .containsExactly("spec.release: must be a version like 2.17.0, got " + release);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.17.0", "0.0.1", "10.20.30"})
    void releasesLikeAVersionAreAccepted(String release) {
        assertThat(SpecValidator.validate(withRelease(release))).isEmpty();
    }

    // --- redundancyLevel --------------------------------------------------------------------------------------------

    @Test
    void redundancyLevelIsRequired() {
        assertThat(SpecValidator.validate(withRedundancy(null))).containsExactly("spec.redundancyLevel: is required");
    }

    @Test
    void redundancyLevelThreeIsRefusedWithItsExactMessage() {
        assertThat(SpecValidator.validate(withRedundancy(3))).containsExactly("spec.redundancyLevel: must be 1 or 2, got 3");
    }

    @Test
    void redundancyLevelZeroIsRefused() {
        assertThat(SpecValidator.validate(withRedundancy(0))).containsExactly("spec.redundancyLevel: must be 1 or 2, got 0");
    }

    @Test
    void redundancyLevelNegativeIsRefused() {
        assertThat(SpecValidator.validate(withRedundancy(-1))).containsExactly("spec.redundancyLevel: must be 1 or 2, got -1");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void redundancyLevelsOneAndTwoAreAccepted(int redundancy) {
        assertThat(SpecValidator.validate(withRedundancy(redundancy))).isEmpty();
    }

    // --- aggregators and leaves -------------------------------------------------------------------------------------

    @Test
    void aggregatorsAreRequired() {
        assertThat(SpecValidator.validate(withAggregators(null))).containsExactly("spec.aggregators: is required");
    }

    @Test
    void leavesAreRequired() {
        assertThat(SpecValidator.validate(withLeaves(null))).containsExactly("spec.leaves: is required");
    }

    @Test
    void aggregatorsCountIsRequired() {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(null, 1.0))))
                .containsExactly("spec.aggregators.count: is required");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 33, 1000})
    void aggregatorsCountOutOfBoundsIsRefused(int count) {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(count, 1.0))))
                .containsExactly("spec.aggregators.count: must be from 1 to 32, got " + count);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 32})
    void aggregatorsCountBoundsAreAccepted(int count) {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(count, 1.0)))).isEmpty();
    }

    @Test
    void leavesCountIsRequired() {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(null, 1.0, 10, null))))
                .containsExactly("spec.leaves.count: is required");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3, 65})
    void leavesCountOutOfBoundsIsRefused(int count) {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(count, 1.0, 10, null))))
                .containsExactly("spec.leaves.count: must be from 1 to 64, got " + count);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64})
    void leavesCountBoundsAreAccepted(int count) {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(count, 1.0, 10, null)))).isEmpty();
    }

    // --- height -----------------------------------------------------------------------------------------------------

    @Test
    void heightsAreRequired() {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(1, null))))
                .containsExactly("spec.aggregators.height: is required");
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, null, 10, null))))
                .containsExactly("spec.leaves.height: is required");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.2, -1, 64.25, 65, 1000})
    void heightOutOfBoundsIsRefused(double height) {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(1, height))))
                .containsExactly("spec.aggregators.height: must be from 0.25 to 64, got " + height);
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, height, 10, null))))
                .containsExactly("spec.leaves.height: must be from 0.25 to 64, got " + height);
    }

    @Test
    void heightNotANumberOrInfiniteIsRefused() {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, Double.NaN, 10, null))))
                .containsExactly("spec.leaves.height: must be from 0.25 to 64, got NaN");
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, Double.POSITIVE_INFINITY, 10, null))))
                .containsExactly("spec.leaves.height: must be from 0.25 to 64, got Infinity");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 1.1, 2.6, 63.9, 0.26})
    void heightNotAMultipleOfAQuarterIsRefused(double height) {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(1, height))))
                .containsExactly("spec.aggregators.height: must be a multiple of 0.25, got " + height);
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, height, 10, null))))
                .containsExactly("spec.leaves.height: must be a multiple of 0.25, got " + height);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.25, 0.5, 0.75, 1, 2.5, 63.75, 64})
    void heightsInBoundsAndMultiplesOfAQuarterAreAccepted(double height) {
        assertThat(SpecValidator.validate(withAggregators(new AggregatorsSpec(1, height)))).isEmpty();
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, height, 10, null)))).isEmpty();
    }

    // --- storage ----------------------------------------------------------------------------------------------------

    @Test
    void storageIsRequired() {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, 1.0, null, null))))
                .containsExactly("spec.leaves.storageGB: is required");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -10, 65537})
    void storageOutOfBoundsIsRefused(int storage) {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, 1.0, storage, null))))
                .containsExactly("spec.leaves.storageGB: must be from 1 to 65536, got " + storage);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 65536})
    void storageBoundsAreAccepted(int storage) {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, 1.0, storage, null)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Fast", "fast_ssd", "-ssd", "ssd-", ".ssd", "ssd.", "ssd class", "ssd/1"})
    void storageClassThatIsNotAKubernetesNameIsRefused(String storageClass) {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, 1.0, 10, storageClass))))
                .containsExactly("spec.leaves.storageClass: must be a Kubernetes object name (lower-case letters, digits, '-', '.'), got "
                        + storageClass);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "gp3", "fast-ssd", "local.path", "0standard9"})
    void storageClassThatIsAKubernetesNameIsAccepted(String storageClass) {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, 1.0, 10, storageClass)))).isEmpty();
    }

    @Test
    void storageClassIsOptional() {
        assertThat(SpecValidator.validate(withLeaves(new LeavesSpec(1, 1.0, 10, null)))).isEmpty();
    }

    // --- config -----------------------------------------------------------------------------------------------------

    @Test
    void configKeyOutsideTheAllowListIsRefusedNamingTheKey() {
        assertThat(SpecValidator.validate(withSetting("maxMemory", "4g")))
                .containsExactly("spec.config.maxMemory: not an allowed engine setting; allowed: " + ALLOWED);
    }

    @Test
    void configKeysAreCaseSensitive() {
        assertThat(SpecValidator.validate(withSetting("walmode", "FSYNC")))
                .containsExactly("spec.config.walmode: not an allowed engine setting; allowed: " + ALLOWED);
    }

    @Test
    void everyUnknownConfigKeyIsReported() {
        assertThat(SpecValidator.validate(withConfig(Map.of("a", "1", "b", "2", "walMode", "FSYNC"))))
                .containsExactlyInAnyOrder(
                        "spec.config.a: not an allowed engine setting; allowed: " + ALLOWED,
                        "spec.config.b: not an allowed engine setting; allowed: " + ALLOWED);
    }

    @Test
    void allowListMessageNamesEverySetting() {
        assertThat(EngineSetting.keys()).isEqualTo(ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "120001", "0", "-5"})
    void failureDetectionTimeoutOutOfRangeIsRefused(String value) {
        assertThat(SpecValidator.validate(withSetting("failureDetectionTimeoutMs", value)))
                .containsExactly("spec.config.failureDetectionTimeoutMs: must be from 1000 to 120000, got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "10s", "1.5", "1e4", " 10000"})
    void failureDetectionTimeoutThatIsNotAWholeNumberIsRefused(String value) {
        assertThat(SpecValidator.validate(withSetting("failureDetectionTimeoutMs", value)))
                .containsExactly("spec.config.failureDetectionTimeoutMs: must be a whole number from 1000 to 120000, got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "10000", "120000"})
    void failureDetectionTimeoutInRangeIsAccepted(String value) {
        assertThat(SpecValidator.validate(withSetting("failureDetectionTimeoutMs", value))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "3600001"})
    void checkpointFrequencyOutOfRangeIsRefused(String value) {
        assertThat(SpecValidator.validate(withSetting("checkpointFrequencyMs", value)))
                .containsExactly("spec.config.checkpointFrequencyMs: must be from 1000 to 3600000, got " + value);
    }

    @Test
    void checkpointFrequencyThatIsNotANumberIsRefused() {
        assertThat(SpecValidator.validate(withSetting("checkpointFrequencyMs", "often")))
                .containsExactly("spec.config.checkpointFrequencyMs: must be a whole number from 1000 to 3600000, got often");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "3600000"})
    void checkpointFrequencyInRangeIsAccepted(String value) {
        assertThat(SpecValidator.validate(withSetting("checkpointFrequencyMs", value))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "fsync", "", "LOG ONLY", "DEFAULT"})
    void walModeOutsideItsValuesIsRefused(String value) {
        assertThat(SpecValidator.validate(withSetting("walMode", value)))
                .containsExactly("spec.config.walMode: must be one of FSYNC, LOG_ONLY, BACKGROUND, got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FSYNC", "LOG_ONLY", "BACKGROUND"})
    void walModeValuesAreAccepted(String value) {
        assertThat(SpecValidator.validate(withSetting("walMode", value))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "86400001"})
    void sqlQueryTimeoutOutOfRangeIsRefused(String value) {
        assertThat(SpecValidator.validate(withSetting("sqlQueryTimeoutMs", value)))
                .containsExactly("spec.config.sqlQueryTimeoutMs: must be from 0 to 86400000, got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"forever", "99999999999999999999"})
    void sqlQueryTimeoutThatIsNotAWholeNumberIsRefused(String value) {
        assertThat(SpecValidator.validate(withSetting("sqlQueryTimeoutMs", value)))
                .containsExactly("spec.config.sqlQueryTimeoutMs: must be a whole number from 0 to 86400000, got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "30000", "86400000"})
    void sqlQueryTimeoutInRangeIsAccepted(String value) {
        assertThat(SpecValidator.validate(withSetting("sqlQueryTimeoutMs", value))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"99", "60001", "0"})
    void captureArchiveTimeoutOutOfRangeIsRefusedNamingTheField(String value) {
        assertThat(SpecValidator.validate(withSetting("cdcWalForceArchiveTimeoutMs", value)))
                .containsExactly("spec.config.cdcWalForceArchiveTimeoutMs: must be from 100 to 60000, got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "1000", "60000"})
    void captureArchiveTimeoutInRangeIsAccepted(String value) {
        assertThat(SpecValidator.validate(withSetting("cdcWalForceArchiveTimeoutMs", value))).isEmpty();
    }

    @Test
    void everyBadSettingIsReportedOnce() {
        assertThat(SpecValidator.validate(withConfig(Map.of(
                "failureDetectionTimeoutMs", "1", "checkpointFrequencyMs", "x", "walMode", "OFF", "sqlQueryTimeoutMs", "-1"))))
                .containsExactlyInAnyOrder(
                        "spec.config.failureDetectionTimeoutMs: must be from 1000 to 120000, got 1",
                        "spec.config.checkpointFrequencyMs: must be a whole number from 1000 to 3600000, got x",
                        "spec.config.walMode: must be one of FSYNC, LOG_ONLY, BACKGROUND, got OFF",
                        "spec.config.sqlQueryTimeoutMs: must be from 0 to 86400000, got -1");
    }

    @Test
    void configWithoutAValueCannotEvenBeBuilt() {
        // the record refuses a null value (Map.copyOf); ClusterManifest reports it as "spec.config.<key>: must have a value"
        Map<String, String> config = new HashMap<>();
        config.put("walMode", null);
        org.assertj.core.api.Assertions.assertThatNullPointerException().isThrownBy(() -> withConfig(config));
    }

    @Test
    void absentConfigIsEmpty() {
        assertThat(withConfig(null).config()).isEmpty();
        assertThat(SpecValidator.validate(withConfig(null))).isEmpty();
    }

    // --- several problems -------------------------------------------------------------------------------------------

    @Test
    void severalProblemsGiveOneMessageEachInFieldOrder() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("latest", 3, new AggregatorsSpec(0, 0.3),
                new LeavesSpec(65, 100.0, 0, "SSD"), Map.of("bogus", "1"), null);
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.release: must be a version like 2.17.0, got latest",
                "spec.redundancyLevel: must be 1 or 2, got 3",
                "spec.aggregators.count: must be from 1 to 32, got 0",
                "spec.aggregators.height: must be a multiple of 0.25, got 0.3",
                "spec.leaves.count: must be from 1 to 64, got 65",
                "spec.leaves.height: must be from 0.25 to 64, got 100.0",
                "spec.leaves.storageGB: must be from 1 to 65536, got 0",
                "spec.leaves.storageClass: must be a Kubernetes object name (lower-case letters, digits, '-', '.'), got SSD",
                "spec.config.bogus: not an allowed engine setting; allowed: " + ALLOWED);
    }

    @Test
    void everyRequiredFieldMissingIsReported() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec(null, null, null, null, null, null);
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.release: is required",
                "spec.redundancyLevel: is required",
                "spec.aggregators: is required",
                "spec.leaves: is required");
    }

    @Test
    void everyRequiredNestedFieldMissingIsReported() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(null, null),
                new LeavesSpec(null, null, null, null), null, null);
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.aggregators.count: is required",
                "spec.aggregators.height: is required",
                "spec.leaves.count: is required",
                "spec.leaves.height: is required",
                "spec.leaves.storageGB: is required");
    }

    // --- metadata.name ----------------------------------------------------------------------------------------------

    @Test
    void nameIsRequired() {
        assertThat(SpecValidator.validateName(null)).containsExactly("metadata.name: is required");
        assertThat(SpecValidator.validateName("")).containsExactly("metadata.name: is required");
        assertThat(SpecValidator.validateName("   ")).containsExactly("metadata.name: is required");
    }

    @Test
    void nameOfMoreThanFortyCharactersIsRefused() {
        String name = "a".repeat(41);
        assertThat(SpecValidator.validateName(name)).containsExactly("metadata.name: must be at most 40 characters, got 41");
    }

    @Test
    void nameOfFortyCharactersIsAccepted() {
        assertThat(SpecValidator.validateName("a".repeat(40))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Orders", "1db", "-db", "db-", "db_1", "db.1", "db 1", "ördersdb", "DB"})
    void nameOutsideThePatternIsRefused(String name) {
        assertThat(SpecValidator.validateName(name)).containsExactly(
                "metadata.name: must start with a lower-case letter and hold only lower-case letters, digits and '-', got " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "db", "orders", "orders-eu-1", "a1", "a-b-c"})
    void namesInThePatternAreAccepted(String name) {
        assertThat(SpecValidator.validateName(name)).isEmpty();
    }

    @Test
    void problemsAreAFreshList() {
        List<String> first = SpecValidator.validate(valid());
        first.add("mutated");
        assertThat(SpecValidator.validate(valid())).isEmpty();
    }

    @Test
    void whoMayReachTheClusterFromAnotherRegionIsCheckedNamingEachRange() {
        assertThat(SpecValidator.validate(valid().withCrossRegion(new CrossRegionSpec(List.of("203.0.113.0/24", "2001:db8::/32"), null))))
                .isEmpty();
        assertThat(SpecValidator.validate(valid().withCrossRegion(new CrossRegionSpec(null, true)))).isEmpty();
        assertThat(SpecValidator.validate(valid().withCrossRegion(new CrossRegionSpec(List.of("203.0.113.0/24", "10.0.0.300/8",
                "everyone"), true)))).containsExactly(
                "spec.crossRegion.sourceRanges[1]: must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32, got 10.0.0.300/8",
                "spec.crossRegion.sourceRanges[2]: must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32, got everyone",
                "spec.crossRegion.anySource: give sourceRanges or anySource: true, not both");
        assertThat(new CrossRegionSpec(null, null).allowsSomeone()).as("neither: no load balancer").isFalse();
    }

    // --- autoscaling ------------------------------------------------------------------------------------------------

    /** valid() has 2 leaves per group of 10 GiB each. */
    static DatabaseClusterSpec withAutoscaling(StorageAutoscaling storage, ComputeAutoscaling compute, String suspendAfterIdle) {
        return valid().withAutoscaling(new AutoscalingSpec(storage, compute, suspendAfterIdle));
    }

    static ComputeAutoscaling compute(Integer minLeaves, Integer maxLeaves) {
        return new ComputeAutoscaling(minLeaves, maxLeaves, null, null, null, null, null, null, null);
    }

    @Test
    void autoscalingIsOffWhenAbsentAndAnEmptySectionIsValid() {
        assertThat(valid().autoscaling()).isNull();
        assertThat(SpecValidator.validate(withAutoscaling(null, null, null))).isEmpty();
    }

    @Test
    void autoscalingWithEveryFieldAtItsBoundsIsValid() {
        assertThat(SpecValidator.validate(withAutoscaling(new StorageAutoscaling(1, 1000, 10),
                new ComputeAutoscaling(1, 64, 100, 1, 10_000_000, "1s", "2s", "1s", new MaintenanceWindow("23:59", "1d")),
                "60s"))).isEmpty();
        assertThat(SpecValidator.validate(withAutoscaling(new StorageAutoscaling(99, 1, 65536),
                new ComputeAutoscaling(2, 2, 1, 100, 1, "99999d", "99998d", null, null),
                "99999d"))).containsExactly(
                "spec.autoscaling.compute.scaleInAfter: must be longer than scaleOutAfter (99999 d), got 99998 d");
    }

    @Test
    void storageAutoscalingDefaultsAreEightyPercentAndFiftyPercentSteps() {
        StorageAutoscaling storage = new StorageAutoscaling(null, null, 100);
        assertThat(storage.thresholdPercentOrDefault()).isEqualTo(80);
        assertThat(storage.stepPercentOrDefault()).isEqualTo(50);
        assertThat(SpecValidator.validate(withAutoscaling(storage, null, null))).isEmpty();
    }

    @Test
    void computeAutoscalingDefaultsAreSeventyPercentCpuEightyHeapFiveThirtyAndTenMinutes() {
        ComputeAutoscaling compute = compute(1, 4);
        assertThat(compute.cpuPercentOrDefault()).isEqualTo(70);
        assertThat(compute.heapPercentOrDefault()).isEqualTo(80);
        assertThat(compute.queriesPerSecondPerLeaf()).as("no queries target unless given").isNull();
        assertThat(compute.scaleOutAfterDuration()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(compute.scaleInAfterDuration()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(compute.coolDownDuration()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(compute.maintenanceWindow()).as("scale-in at any time unless a window is given").isNull();
        assertThat(SpecValidator.validate(withAutoscaling(null, compute, null))).isEmpty();
    }

    @Test
    void storageAutoscalingRefusesThresholdsStepsAndMaximumsThatCannotWork() {
        assertThat(SpecValidator.validate(withAutoscaling(new StorageAutoscaling(0, 0, null), null, null))).containsExactly(
                "spec.autoscaling.storage.thresholdPercent: must be from 1 to 99, got 0",
                "spec.autoscaling.storage.stepPercent: must be from 1 to 1000, got 0",
                "spec.autoscaling.storage.maxStorageGB: is required");
        assertThat(SpecValidator.validate(withAutoscaling(new StorageAutoscaling(100, 1001, 65537), null, null))).containsExactly(
                "spec.autoscaling.storage.thresholdPercent: must be from 1 to 99, got 100",
                "spec.autoscaling.storage.stepPercent: must be from 1 to 1000, got 1001",
                "spec.autoscaling.storage.maxStorageGB: must be from 1 to 65536, got 65537");
        assertThat(SpecValidator.validate(withAutoscaling(new StorageAutoscaling(null, null, 9), null, null))).containsExactly(
                "spec.autoscaling.storage.maxStorageGB: must be at least spec.leaves.storageGB (10), got 9");
    }

    @Test
    void computeAutoscalingRefusesLeafBoundsThatCannotWork() {
        assertThat(SpecValidator.validate(withAutoscaling(null, compute(null, null), null))).containsExactly(
                "spec.autoscaling.compute.minLeaves: is required",
                "spec.autoscaling.compute.maxLeaves: is required");
        assertThat(SpecValidator.validate(withAutoscaling(null, compute(0, 65), null))).containsExactly(
                "spec.autoscaling.compute.minLeaves: must be from 1 to 64, got 0",
                "spec.autoscaling.compute.maxLeaves: must be from 1 to 64, got 65");
        assertThat(SpecValidator.validate(withAutoscaling(null, compute(3, 2), null))).containsExactly(
                "spec.autoscaling.compute.maxLeaves: must be at least minLeaves (3), got 2");
    }

    @Test
    void theLeavesCountStaysWithinTheAutoscalersBounds() {
        assertThat(SpecValidator.validate(withAutoscaling(null, compute(3, 5), null))).containsExactly(
                "spec.leaves.count: must be from spec.autoscaling.compute.minLeaves (3) to maxLeaves (5), got 2");
        assertThat(SpecValidator.validate(withAutoscaling(null, compute(1, 1), null))).containsExactly(
                "spec.leaves.count: must be from spec.autoscaling.compute.minLeaves (1) to maxLeaves (1), got 2");
        assertThat(SpecValidator.validate(withAutoscaling(null, compute(2, 2), null))).isEmpty();
    }

    @Test
    void computeAutoscalingRefusesTargetsOutsideTheirRange() {
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, 0, 101, 0, null, null, null, null), null))).containsExactly(
                "spec.autoscaling.compute.cpuPercent: must be from 1 to 100, got 0",
                "spec.autoscaling.compute.heapPercent: must be from 1 to 100, got 101",
                "spec.autoscaling.compute.queriesPerSecondPerLeaf: must be from 1 to 10000000, got 0");
    }

    @Test
    void computeAutoscalingRefusesDurationsThatAreNoneAndAScaleInNoLongerThanTheScaleOut() {
        String form = ": must be a number and a unit, s (seconds), m (minutes), h (hours) or d (days), like 90s, 5m or 1h, got ";
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, null, null, null, "5 min", "0m", "PT10M", null), null))).containsExactly(
                "spec.autoscaling.compute.scaleOutAfter" + form + "5 min",
                "spec.autoscaling.compute.scaleInAfter" + form + "0m",
                "spec.autoscaling.compute.coolDown" + form + "PT10M");
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, null, null, null, "10m", "600s", null, null), null))).containsExactly(
                "spec.autoscaling.compute.scaleInAfter: must be longer than scaleOutAfter (10 min), got 10 min");
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, null, null, null, "40m", null, null, null), null))).as("against the 30m default")
                .containsExactly("spec.autoscaling.compute.scaleInAfter: must be longer than scaleOutAfter (40 min), got 30 min");
    }

    @Test
    void aMaintenanceWindowIsATimeOfDayAndAtMostADay() {
        String prefix = "spec.autoscaling.compute.maintenanceWindow.";
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, null, null, null, null, null, null, new MaintenanceWindow(null, null)), null)))
                .containsExactly(prefix + "start: is required", prefix + "duration: is required");
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, null, null, null, null, null, null, new MaintenanceWindow("24:00", "25h")), null)))
                .containsExactly(
                        prefix + "start: must be a time of day in UTC as HH:MM, like 02:00, got 24:00",
                        prefix + "duration: must be at most 1d (the window opens every day), got 25h");
        assertThat(SpecValidator.validate(withAutoscaling(null,
                new ComputeAutoscaling(1, 4, null, null, null, null, null, null, new MaintenanceWindow("2:00", "4 hours")), null)))
                .containsExactly(
                        prefix + "start: must be a time of day in UTC as HH:MM, like 02:00, got 2:00",
                        prefix + "duration: must be a number and a unit, s (seconds), m (minutes), h (hours) or d (days), like 90s,"
                                + " 5m or 1h, got 4 hours");
    }

    @Test
    void aMaintenanceWindowContainsItsStartNotItsEndAndRunsPastMidnight() {
        MaintenanceWindow night = new MaintenanceWindow("23:00", "4h");
        assertThat(night.contains(java.time.Instant.parse("2026-12-07T23:00:00Z"))).isTrue();
        assertThat(night.contains(java.time.Instant.parse("2026-12-08T02:59:59Z"))).isTrue();
        assertThat(night.contains(java.time.Instant.parse("2026-12-08T03:00:00Z"))).isFalse();
        assertThat(night.contains(java.time.Instant.parse("2026-12-07T22:59:59Z"))).isFalse();
        assertThat(new MaintenanceWindow("00:00", "1d").contains(java.time.Instant.parse("2026-12-07T13:14:15Z"))).isTrue();
    }

    @Test
    void suspendAfterIdleIsAtLeastSixtySecondsAndNotOnAReplica() {
        assertThat(SpecValidator.validate(withAutoscaling(null, null, "60s"))).isEmpty();
        assertThat(SpecValidator.validate(withAutoscaling(null, null, "1m"))).isEmpty();
        assertThat(withAutoscaling(null, null, "2h").autoscaling().suspendAfterIdleDuration())
                .contains(java.time.Duration.ofHours(2));
        assertThat(SpecValidator.validate(withAutoscaling(null, null, "59s"))).containsExactly(
                "spec.autoscaling.suspendAfterIdle: must be at least 60s, got 59s");
        assertThat(SpecValidator.validate(withAutoscaling(null, null, "1 hour"))).containsExactly(
                "spec.autoscaling.suspendAfterIdle: must be a number and a unit, s (seconds), m (minutes), h (hours) or d (days),"
                        + " like 90s, 5m or 1h, got 1 hour");
        assertThat(SpecValidator.validate(withAutoscaling(null, null, "30m").withReplicaOf(new ReplicaOfSpec("orders", null))))
                .containsExactly("spec.autoscaling.suspendAfterIdle: a replica takes no statements of its own and must keep"
                        + " taking its source's changes; not with spec.replicaOf");
    }

    @Test
    void durationsAreReadInTheirUnitAndDescribedInTheLargestThatDividesThem() {
        assertThat(Durations.parse("90s")).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(Durations.parse("5m")).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(Durations.parse("6h")).isEqualTo(java.time.Duration.ofHours(6));
        assertThat(Durations.parse("1d")).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(Durations.describe(java.time.Duration.ofSeconds(90))).isEqualTo("90 s");
        assertThat(Durations.describe(java.time.Duration.ofSeconds(300))).isEqualTo("5 min");
        assertThat(Durations.describe(java.time.Duration.ofHours(2))).isEqualTo("2 h");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("5"));
    }
}

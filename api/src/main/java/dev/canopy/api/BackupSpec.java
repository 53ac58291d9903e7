package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * Backups of the cluster: taken on demand, and every {@code schedule} when one is given; the {@code retention} newest
 * good ones are kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupSpec(
        @Pattern(Limits.INTERVAL_PATTERN)
        @JsonPropertyDescription("How often a backup is taken: a number and a unit, m (minutes), h (hours) or d (days), e.g. 6h; at least 1m. None when absent (on demand only).")
        String schedule,

        @Min(Limits.MIN_RETENTION)
        @Max(Limits.MAX_RETENTION)
        @JsonPropertyDescription("How many of the newest successful backups are kept; older backups, and failed ones older than those, are deleted. 7 when absent.")
        Integer retention,

        @JsonPropertyDescription("Where backups go: a directory, or S3-compatible object storage. The platform's own backup directory when absent.")
        BackupDestinationSpec destination) {

    public static final int DEFAULT_RETENTION = 7;

    public int retentionOrDefault() {
        return retention == null ? DEFAULT_RETENTION : retention;
    }
}

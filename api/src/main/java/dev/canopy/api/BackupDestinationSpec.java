package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** One of: a directory, or an S3 bucket. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupDestinationSpec(
        @Pattern(Limits.ABSOLUTE_PATH_PATTERN)
        @JsonPropertyDescription("An absolute directory on the region's machine (local regions only).")
        String directory,

        @JsonPropertyDescription("S3-compatible object storage.")
        S3DestinationSpec s3) {
}

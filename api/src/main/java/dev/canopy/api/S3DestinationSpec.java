package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A bucket of S3 or of any S3-compatible store. Credentials come from the named secret when given, otherwise from the
 * environment of the region (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the SDK's other default sources).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3DestinationSpec(
        @Pattern(Limits.URL_PATTERN)
        @JsonPropertyDescription("The service's URL, e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000; AWS's own when absent.")
        String endpoint,

        @Required
        @Pattern(Limits.BUCKET_PATTERN)
        @JsonPropertyDescription("The bucket; it must exist.")
        String bucket,

        @Pattern(Limits.PREFIX_PATTERN)
        @JsonPropertyDescription("A key prefix under which backups go, e.g. prod/orders.")
        String prefix,

        @Pattern(Limits.REGION_PATTERN)
        @JsonPropertyDescription("The signing region; us-east-1 when absent.")
        String region,

        @Pattern(Limits.NAME_PATTERN)
        @JsonPropertyDescription("A secret holding accessKeyId and secretAccessKey; the environment's credentials when absent.")
        String credentialsSecret) {
}

package dev.canopy.backup;

/** An access key pair, as a secret holds it. */
public record S3Credentials(String accessKeyId, String secretAccessKey) {
    @Override
    public String toString() {
        return "S3Credentials[" + accessKeyId + ", secret hidden]";
    }
}

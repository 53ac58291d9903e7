package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiErrorsTest {

    /** fabric8's message carries the request and the whole Status: a condition gets the server's own words only. */
    @Test
    void aRefusalIsItsCodeAndTheServersMessageOnOneLine() {
        String serverMessage = "PersistentVolumeClaim \"data-orders-leaves-ag1-0\" is invalid: spec: Forbidden: spec is immutable"
                + " after creation except resources.requests and volumeAttributesClassName for bound claims";
        KubernetesClientException e = new KubernetesClientException("Failure executing: PATCH at: https://127.0.0.1/api/v1/"
                + "namespaces/db/persistentvolumeclaims/data-orders-leaves-ag1-0. Message: " + serverMessage + ". Received status: "
                + "Status(apiVersion=v1, code=422, details=StatusDetails(causes=[...".repeat(20), 422,
                new StatusBuilder().withCode(422).withReason("Invalid").withMessage(serverMessage + "\n  core.PersistentVolumeClaimSpec{")
                        .build());

        String line = ApiErrors.oneLine(new RuntimeException("wrapped", e));

        assertThat(line).startsWith("422 Invalid: PersistentVolumeClaim \"data-orders-leaves-ag1-0\" is invalid").doesNotContain("\n")
                .doesNotContain("Failure executing").hasSizeLessThanOrEqualTo(ApiErrors.MAX);
    }

    @Test
    void anyOtherFailureIsItsRootMessage() {
        assertThat(ApiErrors.oneLine(new IllegalStateException("outer", new java.io.IOException("connection refused"))))
                .isEqualTo("connection refused");
    }
}

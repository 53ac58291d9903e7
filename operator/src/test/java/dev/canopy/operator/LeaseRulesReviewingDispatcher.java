package dev.canopy.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The mock server's CRUD dispatcher, plus an answer to the SelfSubjectRulesReview that JOSDK posts before leader
 * election (to check it may use Leases; a real API server answers it for every authenticated user): the rules of the
 * given Role, as the real authorizer would list them for the operator's account. The CRUD dispatcher alone would try
 * to store the review, and refuse it for lacking metadata.
 */
final class LeaseRulesReviewingDispatcher extends KubernetesCrudDispatcher {
    private static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    private final String review;

    /** @param rules the {@code rules} of the Role bound to the operator's account in its namespace */
    LeaseRulesReviewingDispatcher(JsonNode rules) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectRulesReview");
        body.putObject("metadata");
        body.putObject("spec");
        ObjectNode status = body.putObject("status");
        status.put("incomplete", false);
        status.putArray("nonResourceRules");
        status.set("resourceRules", rules);
        this.review = body.toString();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if ("POST".equals(request.getMethod()) && request.getPath().startsWith(REVIEWS)) {
            return new MockResponse().setResponseCode(201).setBody(review);
        }
        return super.dispatch(request);
    }
}

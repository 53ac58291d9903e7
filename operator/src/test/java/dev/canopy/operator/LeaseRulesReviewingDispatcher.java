package dev.canopy.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The mock server's CRUD dispatcher, plus an answer to the SelfSubjectRulesReview that JOSDK posts before leader
 * election (to check it may use Leases; a real API server answers it for every authenticated user): it may get, create
 * and update them. The CRUD dispatcher alone would try to store the review, and refuse it for lacking metadata.
 */
final class LeaseRulesReviewingDispatcher extends KubernetesCrudDispatcher {
    private static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    private static final String REVIEW = """
            {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "metadata": {},
             "spec": {}, "status": {"incomplete": false, "nonResourceRules": [], "resourceRules": [
               {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]}]}}
            """;

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if ("POST".equals(request.getMethod()) && request.getPath().startsWith(REVIEWS)) {
            return new MockResponse().setResponseCode(201).setBody(REVIEW);
        }
        return super.dispatch(request);
    }
}

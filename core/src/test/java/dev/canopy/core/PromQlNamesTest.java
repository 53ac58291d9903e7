package dev.canopy.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlNamesTest {
    @Test
    void aSeriesWithMatchersAndARangeUnderFunctionsAndAnAggregation() {
        assertThat(PromQlNames.of("sum by (route, status) (rate(canopy_api_requests_total{status=~\"5..\", route!=\"a{b}\"}[$__rate_interval]))"))
                .containsExactly("canopy_api_requests_total");
    }

    @Test
    void labelListsOfEveryKindAreNoSeries() {
        assertThat(PromQlNames.of("histogram_quantile(0.99, sum(rate(x_bucket[5m])) without (pod))"
                + " / on (organization, cluster) group_left(phase) y and ignoring(le) z offset 5m"))
                .containsExactly("x_bucket", "y", "z");
    }

    @Test
    void numbersDurationsKeywordsAndVariablesAreNoSeries() {
        assertThat(PromQlNames.of("(time() - a_seconds{cluster=\"$cluster\"}) > 1.5e3 or vector(0) unless b == bool 1"))
                .containsExactly("a_seconds", "b");
        assertThat(PromQlNames.of("topk(5, c) + count(d == 0) + max_over_time(e[${range}])")).containsExactly("c", "d", "e");
    }

    @Test
    void grafanasLabelValuesNamesItsSeriesNotItsLabel() {
        assertThat(PromQlNames.of("label_values(canopy_cluster_nodes{organization=\"$organization\"}, cluster)"))
                .containsExactly("canopy_cluster_nodes");
        assertThat(PromQlNames.of("label_values(organization)")).isEmpty();
    }

    @Test
    void colonsOfRecordingRulesBelongToTheName() {
        assertThat(PromQlNames.of("job:requests:rate5m > 0")).containsExactly("job:requests:rate5m");
    }
}

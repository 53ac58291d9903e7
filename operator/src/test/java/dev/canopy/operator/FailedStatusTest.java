package dev.canopy.operator;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.core.Causes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FailedStatusTest {

    @Test
    void aFailedPassKeepsWhatWasKnownAndSaysWhyInTheReadyCondition() {
        DatabaseClusterStatus previous = new DatabaseClusterStatus(Phase.Ready,
                List.of(new Condition(Condition.READY, Condition.TRUE, "Ready", "ready", "2026-01-01T00:00:00Z"),
                        new Condition(Condition.BALANCED, Condition.TRUE, "AllPartitionsOwning", "", "2026-01-01T00:00:00Z")),
                3L, new NodeCounts(2, 2), new NodeCounts(4, 4), "2.17.0", null, null);
        DatabaseClusterStatus failed = DatabaseClusterReconciler.failed(previous, 4, "ReconcileFailed",
                Causes.rootMessage(new IllegalStateException("pass", new RuntimeException("forbidden: pods"))),
                Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(failed.phase()).isEqualTo(Phase.Failed);
        assertThat(failed.observedGeneration()).isEqualTo(4);
        assertThat(failed.leaves()).isEqualTo(new NodeCounts(4, 4));
        assertThat(failed.release()).isEqualTo("2.17.0");
        assertThat(failed.condition(Condition.READY)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo(Condition.FALSE);
            assertThat(c.reason()).isEqualTo("ReconcileFailed");
            assertThat(c.message()).isEqualTo("forbidden: pods");
        });
        assertThat(failed.condition(Condition.BALANCED)).isPresent();
        assertThat(DatabaseClusterReconciler.failed(null, 1, "InvalidSpec", "bad", Instant.EPOCH).conditions()).hasSize(1);
    }
}

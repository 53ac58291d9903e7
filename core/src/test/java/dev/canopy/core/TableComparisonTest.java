package dev.canopy.core;

import dev.canopy.core.Switchover.TableDigest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TableComparisonTest {

    @Test
    void equalTablesDifferInNothingAndEachOtherCaseIsNamedWithItsRows() {
        Map<String, TableDigest> source = Map.of("PUBLIC.A", new TableDigest(10, 7), "PUBLIC.B", new TableDigest(3, 1),
                "PUBLIC.C", new TableDigest(5, 5));
        assertThat(TableComparison.differences(source, source)).isEmpty();
        Map<String, TableDigest> target = Map.of("PUBLIC.A", new TableDigest(10, 8), "PUBLIC.C", new TableDigest(5, 5),
                "PUBLIC.EXTRA", new TableDigest(1, 1));
        assertThat(TableComparison.differences(source, target)).isEqualTo(
                "PUBLIC.A (10 rows in the source, 10 in the target), PUBLIC.B (3 rows in the source, missing)");
    }
}

package dev.canopy.controlplane.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IgniteEngineProbeTest {
    @Test
    void theThinClientAsksTheAggregatorsOfTheJdbcUrl() {
        assertThat(IgniteEngineProbe.addresses("jdbc:ignite:thin://10.0.0.1:10800,10.0.0.2:10801"))
                .containsExactly("10.0.0.1:10800", "10.0.0.2:10801");
        assertThat(IgniteEngineProbe.addresses("jdbc:ignite:thin://h:1/PUBLIC?distributedJoins=true")).containsExactly("h:1");
        assertThatThrownBy(() -> IgniteEngineProbe.addresses("jdbc:h2:mem:x")).hasMessageContaining("not an Ignite thin JDBC URL");
    }

    @Test
    void aLeafIsAskedAtItsFirstRoutableAddressAndItsClientPort() {
        assertThat(IgniteEngineProbe.address("[127.0.0.1]", "10801")).isEqualTo("127.0.0.1:10801");
        assertThat(IgniteEngineProbe.address("[0:0:0:0:0:0:0:1%lo, 10.4.0.7, 127.0.0.1]", "10800")).isEqualTo("10.4.0.7:10800");
    }

    @Test
    void bytesAreTheTablesCacheGroupsStorageOverEveryLeafAndUnknownWithoutEveryLeaf() {
        assertThat(IgniteEngineProbe.cacheGroup("cacheGroups.SQL_PUBLIC_T.StorageSize")).isEqualTo("SQL_PUBLIC_T");
        assertThat(IgniteEngineProbe.cacheGroup("cacheGroups.a.b.StorageSize")).isEqualTo("a.b");
        List<TableSample> tables = List.of(new TableSample("PUBLIC", "T", "SQL_PUBLIC_T", "SQL_PUBLIC_T", 2L, null),
                new TableSample("PUBLIC", "U", "SQL_PUBLIC_U", "SQL_PUBLIC_U", 0L, null));
        assertThat(IgniteEngineProbe.withBytes(tables, Map.of("SQL_PUBLIC_T", 4096L)))
                .extracting(TableSample::bytes).containsExactly(4096L, 0L);
        assertThat(IgniteEngineProbe.withBytes(tables, null)).extracting(TableSample::bytes).containsOnlyNulls();
    }

    @Test
    void aStatementRunOnSeveralAggregatorsAddsUpWithTheExtremesOfBoth() {
        QuerySample combined = IgniteEngineProbe.combined(new QuerySample("q", 10, 1, 2, 40), new QuerySample("q", 5, 0, 1, 9));
        assertThat(combined).isEqualTo(new QuerySample("q", 15, 1, 1, 40));
    }
}

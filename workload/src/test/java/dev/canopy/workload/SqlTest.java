package dev.canopy.workload;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlTest {

    @Test
    void countsTheAddressesOfAThinDriverUrl() {
        assertThat(Sql.addressCount("jdbc:ignite:thin://127.0.0.1:10800")).isEqualTo(1);
        assertThat(Sql.addressCount("jdbc:ignite:thin://127.0.0.1:1,127.0.0.1:2")).isEqualTo(2);
        assertThat(Sql.addressCount("jdbc:ignite:thin://a:1,b:2,c:3/PUBLIC?partitionAwareness=true")).isEqualTo(3);
        assertThat(Sql.addressCount("jdbc:ignite:thin://a:1,b:2;lazy=true")).isEqualTo(2);
    }
}

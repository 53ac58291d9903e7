package dev.canopy.engine.ignite;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaDdlTest {

    private static TableSchema.Column column(String name, String type) {
        return new TableSchema.Column(name, type, -1, -1, true, Optional.empty());
    }

    private static TableSchema orders() {
        return new TableSchema("PUBLIC", "ORDERS", "SQL_PUBLIC_ORDERS", "java.lang.Long", "SQL_PUBLIC_ORDERS_8c85", Optional.empty(),
                Optional.empty(), "ATOMIC", "PARTITIONED", List.of(
                column("ID", "java.lang.Long"),
                new TableSchema.Column("NAME", "java.lang.String", 40, -1, false, Optional.empty()),
                new TableSchema.Column("AMOUNT", "java.math.BigDecimal", 12, 2, true, Optional.empty()),
                column("AT", "java.sql.Timestamp"),
                column("DAY", "java.sql.Date"),
                column("OK", "java.lang.Boolean"),
                column("X", "java.lang.Double"),
                column("U", "java.util.UUID"),
                new TableSchema.Column("QTY", "java.lang.Integer", -1, -1, true, Optional.of("7")),
                new TableSchema.Column("NOTE", "java.lang.String", -1, -1, true, Optional.of("it's")),
                new TableSchema.Column("B", "[B", 16, -1, true, Optional.empty())),
                List.of("ID"), List.of(new TableSchema.Index("ORDERS_NAME", List.of(new TableSchema.IndexColumn("NAME", true),
                new TableSchema.IndexColumn("AMOUNT", false)))));
    }

    @Test
    void aKeyOfOneColumnIsStoredAsItsValueSoItsTypeIsNotNamed() {
        assertThat(SchemaDdl.createTable(orders())).isEqualTo("""
                CREATE TABLE "PUBLIC"."ORDERS" (
                  "ID" BIGINT,
                  "NAME" VARCHAR(40) NOT NULL,
                  "AMOUNT" DECIMAL(12,2),
                  "AT" TIMESTAMP,
                  "DAY" DATE,
                  "OK" BOOLEAN,
                  "X" DOUBLE,
                  "U" UUID,
                  "QTY" INT DEFAULT 7,
                  "NOTE" VARCHAR DEFAULT 'it''s',
                  "B" VARBINARY(16),
                  PRIMARY KEY ("ID")
                ) WITH "TEMPLATE=canopy,CACHE_NAME=SQL_PUBLIC_ORDERS,VALUE_TYPE=SQL_PUBLIC_ORDERS_8c85,ATOMICITY=ATOMIC\"""");
    }

    @Test
    void aCompositeKeyNamesItsTypeAndAffinityColumn() {
        TableSchema lines = new TableSchema("PUBLIC", "LINES", "SQL_PUBLIC_LINES", "SQL_PUBLIC_LINES_ab_KEY", "SQL_PUBLIC_LINES_ab",
                Optional.of("REGION"), Optional.of("SHARED"), "TRANSACTIONAL", "PARTITIONED",
                List.of(column("REGION", "java.lang.String"), column("ID", "java.lang.Integer"), column("V", "java.lang.Short")),
                List.of("ID", "REGION"), List.of());
        assertThat(SchemaDdl.createTable(lines)).endsWith("""
                  "V" SMALLINT,
                  PRIMARY KEY ("ID", "REGION")
                ) WITH "TEMPLATE=canopy,CACHE_NAME=SQL_PUBLIC_LINES,CACHE_GROUP=SHARED,KEY_TYPE=SQL_PUBLIC_LINES_ab_KEY,\
                VALUE_TYPE=SQL_PUBLIC_LINES_ab,AFFINITY_KEY=REGION,ATOMICITY=TRANSACTIONAL\"""");
        assertThat(SchemaDdl.createIndexes(lines)).isEmpty();
    }

    @Test
    void aReplicatedTableKeepsIgnitesReplicatedTemplateAndAnUnwrappedValueStaysUnwrapped() {
        TableSchema table = new TableSchema("PUBLIC", "CODES", "codes", "java.lang.String", "java.lang.Integer", Optional.empty(),
                Optional.empty(), "ATOMIC", "REPLICATED", List.of(column("CODE", "java.lang.String"), column("N", "java.lang.Integer")),
                List.of("CODE"), List.of());
        assertThat(SchemaDdl.withParameters(table)).containsExactly("TEMPLATE=REPLICATED", "CACHE_NAME=codes", "WRAP_VALUE=false",
                "ATOMICITY=ATOMIC");
    }

    @Test
    void aWrappedKeyOfOneColumnIsWrappedAgain() {
        TableSchema table = new TableSchema("PUBLIC", "T", "C", "MyKey", "MyValue", Optional.empty(), Optional.empty(), "ATOMIC",
                "PARTITIONED", List.of(column("ID", "java.lang.Long"), column("V", "java.lang.Long")), List.of("ID"), List.of());
        assertThat(SchemaDdl.withParameters(table)).contains("KEY_TYPE=MyKey", "WRAP_KEY=true", "VALUE_TYPE=MyValue");
    }

    @Test
    void secondaryIndexesKeepTheirColumnsAndDirections() {
        assertThat(SchemaDdl.createIndexes(orders())).containsExactly(
                "CREATE INDEX IF NOT EXISTS \"ORDERS_NAME\" ON \"PUBLIC\".\"ORDERS\" (\"NAME\" DESC, \"AMOUNT\" ASC)");
    }

    @Test
    void typesMapToTheSqlTypesIgniteKeepsAsTheSameClass() {
        TableSchema t = orders();
        assertThat(SchemaDdl.sqlType(t, column("A", "java.lang.Float"))).isEqualTo("REAL");
        assertThat(SchemaDdl.sqlType(t, column("A", "java.lang.Byte"))).isEqualTo("TINYINT");
        assertThat(SchemaDdl.sqlType(t, column("A", "java.sql.Time"))).isEqualTo("TIME");
        assertThat(SchemaDdl.sqlType(t, column("A", "[B"))).isEqualTo("VARBINARY");
        assertThat(SchemaDdl.sqlType(t, column("A", "java.math.BigDecimal"))).isEqualTo("DECIMAL");
        assertThat(SchemaDdl.sqlType(t, new TableSchema.Column("A", "java.math.BigDecimal", 10, -1, true, Optional.empty())))
                .isEqualTo("DECIMAL(10)");
    }

    @Test
    void anUnknownTypeNamesTableColumnAndType() {
        TableSchema t = orders();
        assertThatThrownBy(() -> SchemaDdl.sqlType(t, column("PAYLOAD", "com.acme.Thing")))
                .hasMessageContaining("PUBLIC.ORDERS").hasMessageContaining("PAYLOAD").hasMessageContaining("com.acme.Thing");
    }

    @Test
    void identifiersAreQuotedSoThatCaseAndQuotesSurvive() {
        assertThat(SchemaDdl.quoted("my \"t\"")).isEqualTo("\"my \"\"t\"\"\"");
    }
}

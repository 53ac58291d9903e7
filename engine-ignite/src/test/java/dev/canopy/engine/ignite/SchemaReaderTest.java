package dev.canopy.engine.ignite;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** On rows as Ignite 2.16 and 2.17 list them (the same in both, measured). */
class SchemaReaderTest {

    @Test
    void indexColumnsAreParsedWithTheirDirections() {
        assertThat(SchemaReader.parseIndexColumns("\"NAME\" DESC, \"AMOUNT\" ASC, \"_KEY\" ASC")).containsExactly(
                new TableSchema.IndexColumn("NAME", true), new TableSchema.IndexColumn("AMOUNT", false),
                new TableSchema.IndexColumn("_KEY", false));
        assertThat(SchemaReader.parseIndexColumns("\"a, \"\"b\"\" \" DESC")).containsExactly(new TableSchema.IndexColumn("a, \"b\" ", true));
    }

    @Test
    void aCompositeKeyTakesTheOrderOfItsIndex() {
        List<SchemaReader.IndexRow> rows = List.of(new SchemaReader.IndexRow("_key_PK", "\"ID\" ASC, \"REGION\" ASC", true));
        assertThat(SchemaReader.primaryKey(List.of("REGION", "ID"), rows)).containsExactly("ID", "REGION");
        // a key of one column is indexed as _KEY
        assertThat(SchemaReader.primaryKey(List.of("ID"), List.of(new SchemaReader.IndexRow("_key_PK", "\"_KEY\" ASC", true))))
                .containsExactly("ID");
    }

    @Test
    void onlyTheUsersIndexesAreKeptWithoutTheColumnsIgniteAppends() {
        // CREATE TABLE one (id BIGINT PRIMARY KEY, name VARCHAR, amount DECIMAL ...); CREATE INDEX one_name ON one (name DESC, amount)
        List<SchemaReader.IndexRow> one = List.of(
                new SchemaReader.IndexRow("ONE_NAME_proxy", "\"NAME\" DESC, \"AMOUNT\" ASC, \"ID\" ASC", false),
                new SchemaReader.IndexRow("_key_PK", "\"_KEY\" ASC", true),
                new SchemaReader.IndexRow("ONE_NAME", "\"NAME\" DESC, \"AMOUNT\" ASC, \"_KEY\" ASC", false),
                new SchemaReader.IndexRow("_key_PK_proxy", "\"ID\" ASC", false));
        assertThat(SchemaReader.secondaryIndexes(one, List.of("ID"), Optional.empty())).containsExactly(new TableSchema.Index("ONE_NAME",
                List.of(new TableSchema.IndexColumn("NAME", true), new TableSchema.IndexColumn("AMOUNT", false))));

        // CREATE TABLE two (region VARCHAR, id INT, v VARCHAR, PRIMARY KEY (id, region)) WITH "affinity_key=region"; CREATE INDEX two_v ON two (v)
        List<SchemaReader.IndexRow> two = List.of(
                new SchemaReader.IndexRow("AFFINITY_KEY", "\"REGION\" ASC, \"ID\" ASC", false),
                new SchemaReader.IndexRow("_key_PK", "\"ID\" ASC, \"REGION\" ASC", true),
                new SchemaReader.IndexRow("TWO_V", "\"V\" ASC, \"ID\" ASC, \"REGION\" ASC", false),
                new SchemaReader.IndexRow("TWO_ID", "\"ID\" ASC, \"REGION\" ASC", false),
                new SchemaReader.IndexRow("TWO_V_ID_DESC", "\"V\" ASC, \"ID\" DESC, \"REGION\" ASC", false));
        assertThat(SchemaReader.secondaryIndexes(two, List.of("ID", "REGION"), Optional.of("REGION"))).containsExactly(
                new TableSchema.Index("TWO_ID", List.of(new TableSchema.IndexColumn("ID", false))),
                new TableSchema.Index("TWO_V", List.of(new TableSchema.IndexColumn("V", false))),
                new TableSchema.Index("TWO_V_ID_DESC", List.of(new TableSchema.IndexColumn("V", false), new TableSchema.IndexColumn("ID", true))));
    }
}

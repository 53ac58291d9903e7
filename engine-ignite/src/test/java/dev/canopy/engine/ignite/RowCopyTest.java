package dev.canopy.engine.ignite;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowCopyTest {

    @Test
    void aRowIsInsertedByItsColumnsNames() {
        assertThat(RowCopy.insert("\"PUBLIC\".\"T\"", "\"A\", \"B\"", 2)).isEqualTo("INSERT INTO \"PUBLIC\".\"T\" (\"A\", \"B\") VALUES (?, ?)");
    }
}

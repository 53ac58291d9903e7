package dev.canopy.engine.ignite;

import dev.canopy.core.Causes;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Makes the source's user tables on the target: read through {@link SchemaReader}, rendered by {@link SchemaDdl}. */
final class SchemaCopy {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCopy.class);

    private SchemaCopy() {
    }

    /** Returns the tables created ({@code SCHEMA.TABLE}); a table the target has already is left as it is. */
    static List<String> copy(Topology source, Topology target, AdminLogins logins) {
        long started = System.nanoTime();
        List<TableSchema> tables;
        try (Connection from = ClusterSql.open(source, logins)) {
            tables = SchemaReader.read(from);
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("could not read the tables of " + source.cluster() + ": " + Causes.rootMessage(e), e);
        }
        List<String> created = new ArrayList<>();
        try (Connection to = ClusterSql.open(target, logins); Statement st = to.createStatement()) {
            Set<String> existing = tables(st);
            for (TableSchema table : tables) {
                if (existing.contains(table.qualifiedName())) {
                    LOG.debug("{}: {} is there already", target.cluster(), table.qualifiedName());
                    continue;
                }
                String statement = null;
                try {
                    // rendered before anything runs, so that a type without an SQL equivalent leaves no half-made table
                    String create = SchemaDdl.createTable(table);
                    List<String> indexes = SchemaDdl.createIndexes(table);
                    statement = create;
                    st.execute(create);
                    for (String index : indexes) {
                        statement = index;
                        st.execute(index);
                    }
                } catch (SQLException | RuntimeException e) {
                    throw new IllegalStateException("could not make table " + table.qualifiedName() + " of " + source.cluster() + " on "
                            + target.cluster() + ": " + Causes.rootMessage(e) + (statement == null ? "" : "\n" + statement), e);
                }
                created.add(table.qualifiedName());
                LOG.info("{}: table {} made as on {} (cache {}, {} columns, {} secondary indexes)", target.cluster(),
                        table.qualifiedName(), source.cluster(), table.cacheName(), table.columns().size(), table.indexes().size());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not make the tables of " + source.cluster() + " on " + target.cluster() + ": "
                    + Causes.rootMessage(e), e);
        }
        LOG.info("{}: {} of the {} tables of {} made in {} s", target.cluster(), created.size(), tables.size(), source.cluster(),
                String.format("%.1f", (System.nanoTime() - started) / 1e9));
        return created;
    }

    /** The user tables of a cluster, as {@code SCHEMA.TABLE}. */
    static Set<String> tables(Statement st) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (ResultSet rs = st.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME FROM SYS.TABLES WHERE "
                + SchemaReader.USER_SCHEMAS)) {
            while (rs.next()) {
                tables.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        return tables;
    }
}

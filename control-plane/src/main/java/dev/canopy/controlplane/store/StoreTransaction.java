package dev.canopy.controlplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.controlplane.secrets.SecretBox;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The store's reads and writes on one connection (one transaction when opened by {@link ControlPlaneStore#transaction}). */
public final class StoreTransaction {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    private static final RowMapper<Organization> ORGANIZATION = (rs, ctx) ->
            new Organization(rs.getString("name"), instant(rs.getTimestamp("created_at")));
    private static final RowMapper<ApiKey> API_KEY = (rs, ctx) -> new ApiKey(rs.getString("id"),
            rs.getString("organization"), Role.valueOf(rs.getString("role")), rs.getString("description"),
            rs.getString("secret_sha256"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("revoked_at")));
    private static final RowMapper<ClusterRecord> CLUSTER = (rs, ctx) -> new ClusterRecord(rs.getString("organization"),
            rs.getString("name"), rs.getString("region"), rs.getString("region_name"), readSpec(rs.getString("spec")),
            rs.getLong("generation"), rs.getLong("resource_version"),
            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    private static final RowMapper<Operation> OPERATION = (rs, ctx) -> new Operation(rs.getLong("id"),
            rs.getString("organization"), rs.getString("actor"), rs.getString("action"), rs.getString("cluster"),
            rs.getString("request"), Operation.Outcome.valueOf(rs.getString("outcome")), rs.getString("message"),
            instant(rs.getTimestamp("at")), (Long) rs.getObject("generation", Long.class), rs.getString("region"),
            rs.getString("region_name"), instant(rs.getTimestamp("finished_at")));
    private static final RowMapper<ClusterEvent> EVENT = (rs, ctx) -> new ClusterEvent(rs.getLong("id"),
            rs.getString("organization"), rs.getString("cluster"), rs.getString("type"), rs.getString("reason"),
            rs.getString("message"), instant(rs.getTimestamp("at")));
    private final RowMapper<RegionRecord> region;
    private final Handle handle;
    private final SecretBox secrets;

    StoreTransaction(Handle handle, SecretBox secrets) {
        this.handle = handle;
        this.secrets = secrets;
        this.region = (rs, ctx) -> new RegionRecord(rs.getString("name"), rs.getString("kind"),
                secrets.open(rs.getString("kubeconfig"), "region " + rs.getString("name") + "'s kubeconfig"),
                rs.getString("context"), rs.getString("namespace"), instant(rs.getTimestamp("created_at")));
    }

    // organizations

    public void insertOrganization(Organization organization) {
        uniqueInsert("organization " + organization.name(), () -> handle.createUpdate(
                        "INSERT INTO organizations (name, created_at) VALUES (:name, :at)")
                .bind("name", organization.name()).bind("at", timestamp(organization.createdAt())).execute());
    }

    public Optional<Organization> organization(String name) {
        return handle.createQuery("SELECT * FROM organizations WHERE name = :name").bind("name", name)
                .map(ORGANIZATION).findOne();
    }

    public List<Organization> organizations() {
        return handle.createQuery("SELECT * FROM organizations ORDER BY name").map(ORGANIZATION).list();
    }

    /** How many cluster records each organization has; one without any is absent. */
    public Map<String, Integer> clusterCounts() {
        return handle.createQuery("SELECT organization, COUNT(*) AS n FROM clusters GROUP BY organization")
                .map((rs, ctx) -> Map.entry(rs.getString("organization"), rs.getInt("n"))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Removes the organization and every row that names it: keys, stored answers, audit log and events. Its clusters
     * must be gone; false when there is no such organization.
     *
     * @throws BusyException when a cluster of it was stored meanwhile, which the database refuses to leave orphaned
     */
    public boolean deleteOrganization(String name) {
        for (String table : List.of("idempotency_keys", "api_keys", "operations", "cluster_events", "telemetry_samples")) {
            handle.createUpdate("DELETE FROM " + table + " WHERE organization = :org").bind("org", name).execute();
        }
        try {
            return handle.createUpdate("DELETE FROM organizations WHERE name = :name").bind("name", name).execute() == 1;
        } catch (UnableToExecuteStatementException e) {
            // 23503: a row still references it, the same code in H2 and PostgreSQL
            if (e.getCause() instanceof SQLException sql && "23503".equals(sql.getSQLState())) {
                throw new BusyException("organization " + name + " got a cluster while it was being deleted", e);
            }
            throw e;
        }
    }

    // API keys

    public void insertKey(ApiKey key) {
        uniqueInsert("key " + key.id(), () -> handle.createUpdate("""
                        INSERT INTO api_keys (id, organization, role, description, secret_sha256, created_at)
                        VALUES (:id, :org, :role, :description, :hash, :at)""")
                .bind("id", key.id()).bind("org", key.organization()).bind("role", key.role().name())
                .bind("description", key.description()).bind("hash", key.secretSha256())
                .bind("at", timestamp(key.createdAt())).execute());
    }

    public Optional<ApiKey> key(String id) {
        return handle.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", id).map(API_KEY).findOne();
    }

    public List<ApiKey> keys(String organization) {
        return handle.createQuery("SELECT * FROM api_keys WHERE organization = :org ORDER BY created_at, id")
                .bind("org", organization).map(API_KEY).list();
    }

    /** Revokes a key of the organization; false if it has no such key (or it was revoked already). */
    public boolean revokeKey(String organization, String id, Instant at) {
        return handle.createUpdate("""
                        UPDATE api_keys SET revoked_at = :at
                        WHERE organization = :org AND id = :id AND revoked_at IS NULL""")
                .bind("at", timestamp(at)).bind("org", organization).bind("id", id).execute() == 1;
    }

    // clusters

    public void insertCluster(ClusterRecord cluster) {
        uniqueInsert("cluster " + cluster.name(), () -> handle.createUpdate("""
                        INSERT INTO clusters (organization, name, region, region_name, spec, generation, resource_version,
                                              created_at, updated_at)
                        VALUES (:org, :name, :region, :regionName, :spec, :generation, :rv, :created, :updated)""")
                .bind("org", cluster.organization()).bind("name", cluster.name()).bind("region", cluster.region())
                .bind("regionName", cluster.regionName()).bind("spec", writeSpec(cluster.spec()))
                .bind("generation", cluster.generation()).bind("rv", cluster.resourceVersion())
                .bind("created", timestamp(cluster.createdAt())).bind("updated", timestamp(cluster.updatedAt()))
                .execute());
    }

    public Optional<ClusterRecord> cluster(String organization, String name) {
        return handle.createQuery("SELECT * FROM clusters WHERE organization = :org AND name = :name")
                .bind("org", organization).bind("name", name).map(CLUSTER).findOne();
    }

    public List<ClusterRecord> clusters(String organization) {
        return handle.createQuery("SELECT * FROM clusters WHERE organization = :org ORDER BY name")
                .bind("org", organization).map(CLUSTER).list();
    }

    /**
     * The organization's clusters by name, at most {@code limit}: those after the name {@code after}, in {@code region},
     * with names starting with {@code prefix} (each filter left out when null). One page of a listing, read as a query
     * on an index rather than by reading the organization's every cluster: a page costs the same with 10 or 10,000.
     */
    public List<ClusterRecord> clusters(String organization, String after, String region, String prefix, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM clusters WHERE organization = :org");
        if (after != null) {
            sql.append(" AND name > :after");
        }
        if (region != null) {
            sql.append(" AND region = :region");
        }
        if (prefix != null) {
            // '!' rather than the default '\': the same escape in H2 and in PostgreSQL whatever their string settings
            sql.append(" AND name LIKE :prefix ESCAPE '!'");
        }
        // ordered by the index's columns, not by name alone, though the others are fixed: H2 reads a page in index order
        // only then (else it reads every row after the cursor and sorts them)
        sql.append(region != null ? " ORDER BY organization, region, name" : " ORDER BY organization, name");
        sql.append(" LIMIT :limit");
        var query = handle.createQuery(sql.toString()).bind("org", organization).bind("limit", limit);
        if (after != null) {
            query.bind("after", after);
        }
        if (region != null) {
            query.bind("region", region);
        }
        if (prefix != null) {
            query.bind("prefix", likePrefix(prefix));
        }
        return query.map(CLUSTER).list();
    }

    /** A LIKE pattern matching the names that start with the prefix, its own % and _ taken literally. */
    private static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    public List<ClusterRecord> allClusters() {
        return handle.createQuery("SELECT * FROM clusters ORDER BY organization, name").map(CLUSTER).list();
    }

    public Optional<ClusterRecord> clusterInRegion(String region, String regionName) {
        return handle.createQuery("SELECT * FROM clusters WHERE region = :region AND region_name = :regionName")
                .bind("region", region).bind("regionName", regionName).map(CLUSTER).findOne();
    }

    /**
     * Writes a new spec if the record is still at {@code expectedVersion}; the resource version grows by one.
     * False when someone else changed it first (or it is gone).
     */
    public boolean updateCluster(ClusterRecord cluster, long expectedVersion) {
        return handle.createUpdate("""
                        UPDATE clusters SET spec = :spec, generation = :generation, resource_version = :rv, updated_at = :updated
                        WHERE organization = :org AND name = :name AND resource_version = :expected""")
                .bind("spec", writeSpec(cluster.spec())).bind("generation", cluster.generation())
                .bind("rv", expectedVersion + 1).bind("updated", timestamp(cluster.updatedAt()))
                .bind("org", cluster.organization()).bind("name", cluster.name()).bind("expected", expectedVersion)
                .execute() == 1;
    }

    /** Sets the generation the region gave the record's spec, once the record's new version is this transaction's. */
    public void updateGeneration(String organization, String name, long generation) {
        handle.createUpdate("UPDATE clusters SET generation = :generation WHERE organization = :org AND name = :name")
                .bind("generation", generation).bind("org", organization).bind("name", name).execute();
    }

    /** Deletes the record, with its telemetry samples, if it is still at {@code expectedVersion}. */
    public boolean deleteCluster(String organization, String name, long expectedVersion) {
        boolean deleted = handle.createUpdate("""
                        DELETE FROM clusters WHERE organization = :org AND name = :name AND resource_version = :expected""")
                .bind("org", organization).bind("name", name).bind("expected", expectedVersion).execute() == 1;
        if (deleted) {
            handle.createUpdate("DELETE FROM telemetry_samples WHERE organization = :org AND cluster = :name")
                    .bind("org", organization).bind("name", name).execute();
        }
        return deleted;
    }

    /** Every cluster record's name, of every organization: no spec read. */
    public List<ClusterName> clusterNames() {
        return handle.createQuery("SELECT organization, name FROM clusters")
                .map((rs, ctx) -> new ClusterName(rs.getString("organization"), rs.getString("name"))).list();
    }

    public List<ClusterRecord> clustersInRegion(String region) {
        return handle.createQuery("SELECT * FROM clusters WHERE region = :region ORDER BY organization, name")
                .bind("region", region).map(CLUSTER).list();
    }

    // registered regions

    /**
     * Seals the kubeconfigs an earlier version stored in clear, and opens every sealed one (a wrong key fails here).
     * Returns how many were sealed.
     */
    int sealSecretsInClear() {
        int sealed = 0;
        for (var row : handle.createQuery("SELECT name, kubeconfig FROM regions").mapToMap().list()) {
            String name = String.valueOf(row.get("name"));
            String stored = (String) row.get("kubeconfig");
            if (SecretBox.isSealed(stored)) {
                secrets.open(stored, "region " + name + "'s kubeconfig");
            } else if (stored != null) {
                handle.createUpdate("UPDATE regions SET kubeconfig = :sealed WHERE name = :name")
                        .bind("sealed", secrets.seal(stored)).bind("name", name).execute();
                sealed++;
            }
        }
        return sealed;
    }

    public void insertRegion(RegionRecord region) {
        uniqueInsert("region " + region.name(), () -> handle.createUpdate("""
                        INSERT INTO regions (name, kind, kubeconfig, context, namespace, created_at)
                        VALUES (:name, :kind, :kubeconfig, :context, :namespace, :at)""")
                .bind("name", region.name()).bind("kind", region.kind()).bind("kubeconfig", secrets.seal(region.kubeconfig()))
                .bind("context", region.context()).bind("namespace", region.namespace())
                .bind("at", timestamp(region.createdAt())).execute());
    }

    public List<RegionRecord> regions() {
        return handle.createQuery("SELECT * FROM regions ORDER BY name").map(region).list();
    }

    public boolean deleteRegion(String name) {
        return handle.createUpdate("DELETE FROM regions WHERE name = :name").bind("name", name).execute() == 1;
    }

    // idempotency keys

    public Optional<StoredResponse> storedResponse(String organization, String key) {
        return handle.createQuery("SELECT * FROM idempotency_keys WHERE organization = :org AND idem_key = :key")
                .bind("org", organization).bind("key", key)
                .map((rs, ctx) -> new StoredResponse(rs.getString("request_sha256"), rs.getInt("status"), rs.getString("body")))
                .findOne();
    }

    /**
     * Takes the key for the request this transaction answers, before anything is done for it: another transaction taking
     * it meanwhile waits until this one ends, then finds it answered ({@link AlreadyExistsException}) or free again.
     * The answer is stored with {@link #storeResponse} in the same transaction.
     */
    public void claimIdempotencyKey(String organization, String key, String requestSha256, Instant at) {
        uniqueInsert("idempotency key " + key, () -> handle.createUpdate("""
                        INSERT INTO idempotency_keys (organization, idem_key, request_sha256, status, body, created_at)
                        VALUES (:org, :key, :hash, 0, '', :at)""")
                .bind("org", organization).bind("key", key).bind("hash", requestSha256).bind("at", timestamp(at)).execute());
    }

    /** The answer to the request of a key this transaction claimed, to replay to its retries. */
    public void storeResponse(String organization, String key, StoredResponse response) {
        int updated = handle.createUpdate("""
                        UPDATE idempotency_keys SET request_sha256 = :hash, status = :status, body = :body
                        WHERE organization = :org AND idem_key = :key""")
                .bind("hash", response.requestSha256()).bind("status", response.status()).bind("body", response.body())
                .bind("org", organization).bind("key", key).execute();
        if (updated != 1) {
            throw new IllegalStateException("idempotency key " + key + " was not claimed before its answer");
        }
    }

    // operations

    public long record(Operation operation) {
        return handle.createUpdate("""
                        INSERT INTO operations (organization, actor, action, cluster, request, outcome, message, at,
                                                generation, region, region_name, finished_at)
                        VALUES (:org, :actor, :action, :cluster, :request, :outcome, :message, :at,
                                :generation, :region, :regionName, :finished)""")
                .bind("org", operation.organization()).bind("actor", operation.actor()).bind("action", operation.action())
                .bind("cluster", operation.cluster()).bind("request", truncate(operation.request()))
                .bind("outcome", operation.outcome().name()).bind("message", truncate(operation.message()))
                .bind("at", timestamp(operation.at())).bindByType("generation", operation.generation(), Long.class)
                .bind("region", operation.region()).bind("regionName", operation.regionName())
                .bind("finished", timestamp(operation.finishedAt()))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Accepted operations the region has yet to finish, of every organization, oldest first. */
    public List<Operation> unfinishedOperations() {
        return handle.createQuery("""
                        SELECT * FROM operations WHERE outcome = 'accepted' AND region_name IS NOT NULL ORDER BY id""")
                .map(OPERATION).list();
    }

    public void finishOperation(long id, Operation.Outcome outcome, String message, Instant at) {
        handle.createUpdate("""
                        UPDATE operations SET outcome = :outcome, message = :message, finished_at = :at
                        WHERE id = :id AND outcome = 'accepted'""")
                .bind("outcome", outcome.name()).bind("message", truncate(message)).bind("at", timestamp(at))
                .bind("id", id).execute();
    }

    // cluster events

    public void insertEvent(ClusterEvent event) {
        handle.createUpdate("""
                        INSERT INTO cluster_events (organization, cluster, type, reason, message, at)
                        VALUES (:org, :cluster, :type, :reason, :message, :at)""")
                .bind("org", event.organization()).bind("cluster", event.cluster()).bind("type", event.type())
                .bind("reason", event.reason()).bind("message", truncate(event.message()))
                .bind("at", timestamp(event.at())).execute();
    }

    /** The cluster's newest events first. */
    public List<ClusterEvent> events(String organization, String cluster, int limit) {
        return handle.createQuery("""
                        SELECT * FROM cluster_events WHERE organization = :org AND cluster = :cluster
                        ORDER BY id DESC LIMIT :limit""")
                .bind("org", organization).bind("cluster", cluster).bind("limit", limit).map(EVENT).list();
    }

    /** The organization's newest operations first, of one cluster when {@code cluster} is not null. */
    public List<Operation> operations(String organization, String cluster, int limit) {
        String where = cluster == null ? "" : " AND cluster = :cluster";
        var query = handle.createQuery("SELECT * FROM operations WHERE organization = :org" + where
                        + " ORDER BY id DESC LIMIT :limit")
                .bind("org", organization).bind("limit", limit);
        if (cluster != null) {
            query.bind("cluster", cluster);
        }
        return query.map(OPERATION).list();
    }

    // telemetry samples

    /**
     * Appends the samples in the given order, each only while its cluster has a record: a sample taken as its cluster
     * was deleted would otherwise outlive it, and show in the telemetry of the next cluster of that name. Returns how
     * many were written.
     */
    public int appendTelemetry(List<StoredSample> samples) {
        if (samples.isEmpty()) {
            return 0;
        }
        // the casts: PostgreSQL gives a parameter in a SELECT list no type of its own, and would not store it as a time
        PreparedBatch batch = handle.prepareBatch("""
                INSERT INTO telemetry_samples (organization, cluster, sampled_at, sample)
                SELECT organization, name, CAST(:at AS TIMESTAMP WITH TIME ZONE), CAST(:sample AS VARCHAR) FROM clusters
                WHERE organization = :org AND name = :cluster""");
        for (StoredSample sample : samples) {
            batch.bind("org", sample.organization()).bind("cluster", sample.cluster())
                    .bind("at", timestamp(sample.sampledAt())).bind("sample", sample.json()).add();
        }
        return IntStream.of(batch.execute()).sum();
    }

    /** The samples written after the one of id {@code afterId}, in the order they were written; at most {@code limit}. */
    public List<StoredSample> telemetryAfter(long afterId, int limit) {
        return handle.createQuery("SELECT * FROM telemetry_samples WHERE id > :after ORDER BY id LIMIT :limit")
                .bind("after", afterId).bind("limit", limit)
                .map((rs, ctx) -> new StoredSample(rs.getLong("id"), rs.getString("organization"), rs.getString("cluster"),
                        instant(rs.getTimestamp("sampled_at")), rs.getString("sample")))
                .list();
    }

    /** Deletes at most {@code limit} of the samples taken before {@code before}, the oldest first; how many it deleted. */
    public int deleteTelemetryBefore(Instant before, int limit) {
        return handle.createUpdate("""
                        DELETE FROM telemetry_samples WHERE id IN (
                            SELECT id FROM telemetry_samples WHERE sampled_at < :before ORDER BY sampled_at LIMIT :limit)""")
                .bind("before", timestamp(before)).bind("limit", limit).execute();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }

    private static void uniqueInsert(String what, Runnable insert) {
        try {
            insert.run();
        } catch (UnableToExecuteStatementException e) {
            // 23505: unique violation, the same code in H2 and PostgreSQL
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                throw new AlreadyExistsException(what + " already exists");
            }
            throw e;
        }
    }

    /**
     * Takes the lease for the holder, or renews it, until {@code until}: when the holder has it, or it expired before
     * {@code now}, or nobody ever held it. False when another holder's lease still runs.
     */
    public boolean holdLease(String name, String holder, Instant now, Instant until) {
        int renewed = handle.createUpdate("UPDATE leases SET holder = :holder, expires_at = :until"
                        + " WHERE name = :name AND (holder = :holder OR expires_at <= :now)")
                .bind("holder", holder).bind("until", timestamp(until)).bind("name", name).bind("now", timestamp(now)).execute();
        if (renewed == 1) {
            return true;
        }
        if (handle.createQuery("SELECT COUNT(*) FROM leases WHERE name = :name").bind("name", name).mapTo(Long.class).one() > 0) {
            return false;
        }
        // the first holder ever; a replica inserting at the same moment fails on the key, and its transaction with it
        handle.createUpdate("INSERT INTO leases (name, holder, expires_at) VALUES (:name, :holder, :until)")
                .bind("name", name).bind("holder", holder).bind("until", timestamp(until)).execute();
        return true;
    }

    /** Gives the lease up at once, if the holder has it: another replica takes it on its next try. */
    public void releaseLease(String name, String holder, Instant now) {
        handle.createUpdate("UPDATE leases SET expires_at = :now WHERE name = :name AND holder = :holder")
                .bind("now", timestamp(now)).bind("name", name).bind("holder", holder).execute();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    static String writeSpec(DatabaseClusterSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a spec as JSON", e);
        }
    }

    static DatabaseClusterSpec readSpec(String json) {
        try {
            return JSON.readValue(json, DatabaseClusterSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored spec is not readable: " + e.getOriginalMessage(), e);
        }
    }
}

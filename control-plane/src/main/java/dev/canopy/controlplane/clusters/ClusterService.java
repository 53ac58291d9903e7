package dev.canopy.controlplane.clusters;

import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.SuspendedChanges;
import dev.canopy.core.ReleaseChanges;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.controlplane.auth.Hashing;
import dev.canopy.controlplane.auth.Principal;
import dev.canopy.controlplane.json.Json;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.progress.OperationProgress;
import dev.canopy.controlplane.region.Region;
import dev.canopy.controlplane.region.DatabaseLogin;
import dev.canopy.controlplane.region.DatabaseUser;
import dev.canopy.controlplane.region.UnknownUserException;
import dev.canopy.region.local.ClusterUsers;
import dev.canopy.controlplane.region.RegionCluster;
import dev.canopy.controlplane.region.RegionConflictException;
import dev.canopy.controlplane.region.RegionNames;
import dev.canopy.controlplane.region.RegionStatusCache;
import dev.canopy.controlplane.region.Regions;
import dev.canopy.controlplane.region.RegionUnavailableException;
import dev.canopy.controlplane.store.AlreadyExistsException;
import dev.canopy.controlplane.store.BusyException;
import dev.canopy.controlplane.store.ClusterEvent;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.Operation;
import dev.canopy.controlplane.store.Organization;
import dev.canopy.controlplane.store.Role;
import dev.canopy.controlplane.store.StoreTransaction;
import dev.canopy.controlplane.store.StoredResponse;
import dev.canopy.controlplane.telemetry.TelemetryHistory;
import dev.canopy.controlplane.telemetry.TelemetrySampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Clusters of an organization. Every change is a new spec: checked completely, then written to the region inside
 * the store's transaction, so that a spec the region refuses leaves the stored record as it was. Every request that
 * changes something, refused or not, goes to the operations log.
 */
public final class ClusterService {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);

    /** The most rows one read of a listing with a phase filter takes. */
    private static final int PHASE_BATCH_MAX = 1000;

    private final ControlPlaneStore store;
    private final Regions regions;
    private final Clock clock;
    /** What the regions hold, read by every answer instead of the regions themselves. */
    private final RegionStatusCache statuses;

    public ClusterService(ControlPlaneStore store, Regions regions, Clock clock, RegionStatusCache statuses) {
        this.store = store;
        this.regions = regions;
        this.clock = clock;
        this.statuses = statuses;
    }

    /** An answer to a create: status and body as first sent, replayed as they were for a retried Idempotency-Key. */
    public record Created(int status, String body, long resourceVersion, boolean replayed) {
    }

    public Created create(Principal who, CreateClusterRequest request, String idempotencyKey, String rawBody) {
        who.requireClusterChanges();
        String requestHash = Hashing.sha256Hex(rawBody == null ? "" : rawBody);
        if (idempotencyKey != null) {
            Optional<Created> earlier = replay(who, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        try {
            return audited(who, "create", request.name(), rawBody, () -> inTransaction(tx ->
                    createIn(tx, who, request, idempotencyKey, requestHash)));
        } catch (AnsweredMeanwhile e) {
            // a retry sent while the first request was still being answered waited for that answer, and gets it
            return replay(who, idempotencyKey, requestHash).orElseThrow(() -> ProblemException.conflict(
                    "a request with Idempotency-Key " + idempotencyKey + " was being answered meanwhile; retry"));
        }
    }

    private Done<Created> createIn(StoreTransaction tx, Principal who, CreateClusterRequest request, String idempotencyKey,
                                   String requestHash) {
        Instant now = clock.instant();
        if (idempotencyKey != null) {
            // the key before anything else: a retry sent meanwhile waits here until this request is answered
            try {
                tx.claimIdempotencyKey(who.organization(), idempotencyKey, requestHash, now);
            } catch (AlreadyExistsException e) {
                throw new AnsweredMeanwhile();
            }
        }
        Region region = regions.require(request.regionOrDefault());
        DatabaseClusterSpec spec = checkedSpec(tx, who, request, region);
        if (tx.cluster(who.organization(), request.name()).isPresent()) {
            throw ProblemException.conflict("cluster " + request.name() + " exists already");
        }
        String nameInRegion = RegionNames.of(who.organization(), request.name());
        if (region.get(nameInRegion).isPresent()) {
            throw ProblemException.conflict("region " + region.name() + " still holds a cluster named " + nameInRegion
                    + " (being deleted?); try again once it is gone");
        }
        ClusterRecord record = new ClusterRecord(who.organization(), request.name(), region.name(), nameInRegion,
                spec, 0, 1, now, now);
        try {
            // the name first: a concurrent create of it waits here, then is refused, and never reaches the region
            tx.insertCluster(record);
        } catch (AlreadyExistsException e) {
            throw ProblemException.conflict("cluster " + request.name() + " exists already");
        }
        long generation = request.restoreFrom() == null ? applyToRegion(region, nameInRegion, spec)
                : restoreInRegion(region, nameInRegion, spec, request.restoreFrom());
        tx.updateGeneration(who.organization(), request.name(), generation);
        record = withGeneration(record, generation);
        String body = Json.write(view(record, ReplicaSources.Names.of(tx, who.organization())));
        if (idempotencyKey != null) {
            tx.storeResponse(who.organization(), idempotencyKey, new StoredResponse(requestHash, 201, body));
        }
        LOG.info("{}: cluster {} created in region {} as {} by key {}", who.organization(), record.name(),
                region.name(), nameInRegion, who.keyId());
        return new Done<>(new Created(201, body, 1, false), region.name(), nameInRegion, generation);
    }

    /** The spec a create asks for, checked completely; a replica's source in the region's names. */
    private DatabaseClusterSpec checkedSpec(StoreTransaction tx, Principal who, CreateClusterRequest request, Region region) {
        DatabaseClusterSpec spec = SpecChanges.created(request);
        List<FieldProblem> problems = new ArrayList<>(SpecChanges.problems(request.name(), spec));
        if (spec.replicaOf() != null && problems.stream().noneMatch(p -> p.field().startsWith("replicaOf"))) {
            ReplicaSources.Resolved source = ReplicaSources.resolve(tx, regions, who.organization(), request.name(),
                    region.name(), spec.replicaOf());
            problems.addAll(source.problems());
            spec = spec.withReplicaOf(source.inRegion());
        }
        if (spec.replicaOf() != null && request.restoreFrom() != null) {
            problems.add(new FieldProblem("restoreFrom", "a replica starts from its source's rows; give replicaOf or restoreFrom, not both"));
        }
        ReleaseChanges.problems(null, spec).stream().map(FieldProblem::fromSpecMessage).forEach(problems::add);
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return spec;
    }

    /** The first answer given with the key, if there is one yet; refused when the key came with another request. */
    private Optional<Created> replay(Principal who, String idempotencyKey, String requestHash) {
        return store.read(tx -> tx.storedResponse(who.organization(), idempotencyKey)).map(earlier -> {
            if (!earlier.requestSha256().equals(requestHash)) {
                throw ProblemException.invalid(List.of(new FieldProblem("Idempotency-Key",
                        "was used before with a different request; use a new key for a new request")));
            }
            long version = readTree(earlier.body()).path("resourceVersion").asLong();
            return new Created(earlier.status(), earlier.body(), version, true);
        });
    }

    /** Another request with the same Idempotency-Key was answered while this one waited for the key: nothing was done. */
    private static final class AnsweredMeanwhile extends RuntimeException {
        AnsweredMeanwhile() {
            super(null, null, false, false);
        }
    }

    /**
     * One page of the organization's clusters, by name, those the query's filters keep; {@code next} continues after
     * the page's last name, null on the last page. The page is a query (cursor, region and prefix in its WHERE, one
     * row more than the page to know whether another follows); the phase is the region's, known only in memory, so
     * with a phase filter the query's pages are read on, each larger, until the page is full or the rows run out.
     */
    public ClusterPage list(Principal who, ClusterQuery query) {
        // a replica's source looked up in a read of its own, once per page: replicas of one source share it
        ReplicaSources.Names names = ReplicaSources.Names.memoized((region, regionName) -> store.read(tx ->
                ReplicaSources.Names.of(tx, who.organization()).apiName(region, regionName)));
        List<ClusterView> page = new ArrayList<>();
        String after = query.after();
        int batch = query.limit() + 1;
        while (true) {
            String from = after;
            int rows = batch;
            List<ClusterRecord> records = store.read(tx -> tx.clusters(who.organization(), from, query.region(),
                    query.prefix(), rows));
            for (ClusterRecord record : records) {
                Optional<RegionCluster> inRegion = statuses.get(record.region(), record.regionName());
                if (query.phase() != null && !query.phase().equals(phaseOf(inRegion))) {
                    continue;
                }
                if (page.size() == query.limit()) {
                    return new ClusterPage(page, ClusterQuery.cursorAfter(page.get(page.size() - 1).name()));
                }
                page.add(view(record, inRegion, names));
            }
            if (records.size() < batch) {
                return new ClusterPage(page, null);
            }
            after = records.get(records.size() - 1).name();
            // a phase few clusters are in would otherwise take thousands of small reads
            batch = Math.min(batch * 2, Math.max(batch, PHASE_BATCH_MAX));
        }
    }

    /**
     * The organization's cluster a cluster of the region is, if the control plane has it: what the region reports is
     * then shown under the name the API shows.
     */
    public Optional<RegionNames.Owned> ownerInRegion(String region, String nameInRegion) {
        return store.read(tx -> tx.clusterInRegion(region, nameInRegion))
                .map(r -> new RegionNames.Owned(r.organization(), r.name()));
    }

    public ClusterView get(Principal who, String name) {
        // the source's name is looked up only for a replica, in a read of its own
        ReplicaSources.Names names = (region, regionName) -> store.read(tx -> ReplicaSources.Names.of(tx, who.organization())
                .apiName(region, regionName));
        return view(store.read(tx -> find(tx, who, name)), names);
    }

    public ClusterView resize(Principal who, String name, String ifMatch, ResizeRequest request, String rawBody) {
        return change(who, "resize", name, ifMatch, rawBody, spec -> SpecChanges.resized(spec, request));
    }

    public ClusterView upgrade(Principal who, String name, String ifMatch, UpgradeRequest request, String rawBody) {
        return change(who, "upgrade", name, ifMatch, rawBody, spec -> SpecChanges.upgraded(spec, request));
    }

    /**
     * Replaces the cluster's backup policy (schedule, retention, destination) with the one given; {@code {}} leaves
     * on-demand backups to the region's own directory, kept 7 at a time.
     */
    public ClusterView backupPolicy(Principal who, String name, String ifMatch, BackupSpec policy, String rawBody) {
        return change(who, "backup-policy", name, ifMatch, rawBody, spec -> spec.withBackup(policy));
    }

    public ClusterView suspend(Principal who, String name, String ifMatch) {
        return change(who, "suspend", name, ifMatch, null, spec -> spec.withSuspended(true));
    }

    public ClusterView resume(Principal who, String name, String ifMatch) {
        return change(who, "resume", name, ifMatch, null, spec -> spec.withSuspended(false));
    }

    /**
     * Replaces the cluster's whole spec with the one given, as {@code canopy clusters apply -f} declares it: a change
     * like the others, checked as completely. {@code replicaOf} names the source as the organization does; it may stay,
     * or go (which promotes the replica), but not name another source: feeding from elsewhere is a new replica.
     */
    public ClusterView apply(Principal who, String name, String ifMatch, DatabaseClusterSpec asked, String rawBody) {
        return change(who, "apply", name, ifMatch, rawBody, (tx, record) -> {
            DatabaseClusterSpec current = record.spec();
            ReplicaOfSpec source = null;
            if (asked.replicaOf() != null) {
                ReplicaSources.Resolved resolved = ReplicaSources.resolve(tx, regions, who.organization(), name,
                        record.region(), asked.replicaOf());
                if (!resolved.problems().isEmpty()) {
                    throw ProblemException.invalid(resolved.problems());
                }
                source = resolved.inRegion();
                if (!source.equals(current.replicaOf())) {
                    throw ProblemException.invalid(List.of(new FieldProblem("replicaOf", current.replicaOf() == null
                            ? "cluster " + name + " is no replica; create a new cluster as the replica"
                            : "a replica's source cannot change; remove replicaOf to promote it, or create another replica")));
                }
            }
            // a spec that leaves suspended out means running, as a stored spec without it does: no change for that alone
            Boolean suspended = asked.isSuspended() == current.isSuspended() ? current.suspended() : Boolean.valueOf(asked.isSuspended());
            return new DatabaseClusterSpec(asked.release(), asked.redundancyLevel(), asked.aggregators(), asked.leaves(),
                    asked.config(), suspended, asked.backup(), asked.upgradeStrategy(), source, asked.crossRegion(),
                    asked.autoscaling());
        });
    }

    /**
     * Makes a replica a cluster of its own: its spec loses {@code replicaOf}, and the region fences the source (when
     * it can reach it), waits for the last changes and stops the feed; {@code status.replication.promotedAt} says when.
     */
    public ClusterView promote(Principal who, String name, String ifMatch) {
        return change(who, "promote", name, ifMatch, null, spec -> SpecChanges.promoted(name, spec));
    }

    /** Asks the region to delete the cluster and forgets it; the region stops its nodes and removes its storage. */
    /**
     * Deletes a cluster. A cluster that still feeds replicas is kept, the refusal naming them: deleting it would leave
     * them waiting for a source that is gone; {@code force} deletes it anyway.
     */
    public ClusterView delete(Principal who, String name, String ifMatch, boolean force) {
        who.requireClusterChanges();
        return audited(who, "delete", name, null, () -> inTransaction(tx -> {
            ClusterRecord record = find(tx, who, name);
            IfMatch.check(ifMatch, record.resourceVersion());
            List<String> replicas = tx.clusters(who.organization()).stream().filter(other -> feeds(record, other))
                    .map(ClusterRecord::name).sorted().toList();
            if (!replicas.isEmpty() && !force) {
                throw ProblemException.conflict("cluster " + name + " feeds the replica(s) " + String.join(", ", replicas)
                        + ": promote or delete them first, or delete it with force=true (they are then left without a source)");
            }
            if (!tx.deleteCluster(who.organization(), name, record.resourceVersion())) {
                throw ProblemException.preconditionFailed("cluster " + name + " changed meanwhile; read it again and retry");
            }
            Region region = regions.of(record.region());
            Optional<RegionCluster> before = region.get(record.regionName());
            for (Operation pending : tx.unfinishedOperations()) {
                if (pending.organization().equals(who.organization()) && name.equals(pending.cluster())) {
                    OperationProgress.Ending ending = OperationProgress.endingBeforeDelete(pending, before);
                    tx.finishOperation(pending.id(), ending.outcome(), ending.message(), clock.instant());
                }
            }
            region.delete(record.regionName());
            statuses.changed(region.name(), record.regionName());
            LOG.info("{}: cluster {} deleted by key {}; region {} stops its nodes", who.organization(), name, who.keyId(), record.region());
            return new Done<>(view(record, ReplicaSources.Names.of(tx, who.organization())), record.region(), record.regionName(), null);
        }));
    }

    /**
     * Makes the autoscaler's change as a user's change is made: checked as completely, written to the region, audited
     * as an operation of {@link AutoscalerChange#ACTOR} (its request the reason) and followed to its end; the reason also
     * goes into the cluster's events, in the change's transaction. Refused with 412 when the cluster changed since the
     * autoscaler read it.
     */
    public ClusterView autoscale(AutoscalerChange change) {
        Principal autoscaler = new Principal(change.organization(), AutoscalerChange.ACTOR, Role.member);
        String request = Json.write(Map.of("reason", change.decision().reason()));
        return change(autoscaler, change.action(), change.cluster(), IfMatch.etag(change.resourceVersion()), request,
                (tx, record) -> {
                    // the region's files may be ahead of the record without a new version: the spec must be the one read
                    if (!record.spec().equals(change.decidedFrom())) {
                        throw ProblemException.preconditionFailed("cluster " + change.cluster()
                                + " changed since the autoscaler read it; the next sample decides again");
                    }
                    return change.decision().newSpec().orElseThrow();
                },
                (tx, updated) -> tx.insertEvent(new ClusterEvent(0, change.organization(), change.cluster(), "Normal",
                        change.eventReason(), change.decision().reason(), clock.instant())));
    }

    /**
     * What the autoscaler decides a cluster's next change from: its record as a change starts from it, its region's
     * status as last known (null before the region told one), and whether it feeds replicas.
     */
    public record Autoscalable(ClusterRecord record, dev.canopy.api.DatabaseClusterStatus status, boolean feedsReplicas) {
    }

    /** The cluster as the autoscaler reads it; empty when it is gone. */
    public Optional<Autoscalable> autoscalable(String organization, String name) {
        return store.read(tx -> tx.cluster(organization, name).map(stored -> {
            Optional<RegionCluster> inRegion = statuses.get(stored.region(), stored.regionName());
            boolean feeds = stored.spec().autoscaling() != null
                    && tx.clusters(organization).stream().anyMatch(other -> feeds(stored, other));
            return new Autoscalable(caughtUp(stored, inRegion), inRegion.map(RegionCluster::status).orElse(null), feeds);
        }));
    }

    /** Whether {@code replica} is fed from {@code source}: its spec names it, in the region's names. */
    private static boolean feeds(ClusterRecord source, ClusterRecord replica) {
        var of = replica.spec().replicaOf();
        return of != null && of.cluster().equals(source.regionName())
                && (of.region() == null ? replica.region() : of.region()).equals(source.region());
    }

    /** Clusters of every organization by phase, for the platform's metrics. */
    public java.util.Map<String, Long> phaseCounts() {
        return store.read(StoreTransaction::allClusters).stream()
                .collect(Collectors.groupingBy(c -> view(c, ReplicaSources.Names.NONE).phase(), java.util.TreeMap::new, Collectors.counting()));
    }

    /** Every organization's clusters with their region's status, for the telemetry sampler. */
    public List<TelemetrySampler.Target> telemetryTargets() {
        return store.read(StoreTransaction::allClusters).stream()
                .map(c -> {
                    TelemetryHistory.Key key = new TelemetryHistory.Key(c.organization(), c.name());
                    try {
                        ClusterView view = view(c, ReplicaSources.Names.NONE);
                        return new TelemetrySampler.Target(key, view.status(), view.jdbcUrl(), null,
                                regions.of(c.region()).adminLogin(c.regionName()).orElseGet(java.util.Properties::new));
                    } catch (RegionUnavailableException e) {
                        // one region not answering must not stop the others' clusters from being sampled
                        return new TelemetrySampler.Target(key, null, null, e.getMessage());
                    }
                })
                .toList();
    }

    public List<ClusterEvent> events(Principal who, String cluster, int limit) {
        store.read(tx -> find(tx, who, cluster));
        return store.read(tx -> tx.events(who.organization(), cluster, limit));
    }

    public List<Operation> operations(Principal who, String cluster, int limit) {
        if (cluster != null) {
            // another organization's cluster is as unknown as one that never was
            store.read(tx -> find(tx, who, cluster));
        }
        return store.read(tx -> tx.operations(who.organization(), cluster, limit));
    }

    /**
     * Makes every cluster of the region without a record a cluster of an organization: of the one its name in the region
     * starts with, under the rest of that name ({@code acme-orders} is acme's orders, whose record was lost: a create
     * answered just before the platform died), or else of {@code platform}, under its name in the region (the demo, or
     * one applied with the CLI). Returns the names in the region of the clusters adopted.
     */
    public List<String> adoptUnowned(String platform, Region region) {
        return store.transaction(tx -> {
            Set<String> organizations = tx.organizations().stream().map(Organization::name).collect(Collectors.toSet());
            return region.list().stream()
                    .filter(c -> !c.deleting() && tx.clusterInRegion(region.name(), c.name()).isEmpty())
                    .filter(c -> adopt(tx, region, c, ownerOf(tx, organizations, platform, c.name())))
                    .map(RegionCluster::name)
                    .toList();
        });
    }

    /**
     * The organization a cluster found without a record belongs to, and its name there: the existing organization its
     * name in the region starts with, unless that one has another cluster of the name; else the platform.
     */
    private static RegionNames.Owned ownerOf(StoreTransaction tx, Set<String> organizations, String platform, String nameInRegion) {
        return RegionNames.owner(nameInRegion)
                .filter(o -> organizations.contains(o.organization()) && tx.cluster(o.organization(), o.cluster()).isEmpty())
                .orElse(new RegionNames.Owned(platform, nameInRegion));
    }

    private boolean adopt(StoreTransaction tx, Region region, RegionCluster found, RegionNames.Owned owner) {
        if (tx.cluster(owner.organization(), owner.cluster()).isPresent()) {
            return false;
        }
        Instant now = clock.instant();
        tx.insertCluster(new ClusterRecord(owner.organization(), owner.cluster(), region.name(), found.name(), found.spec(),
                found.generation(), 1, now, now));
        tx.record(Operation.of(owner.organization(), "platform", "adopt", owner.cluster(), null, Operation.Outcome.succeeded,
                "found in region " + region.name() + " as " + found.name() + " without an owner", now));
        LOG.info("{}: adopted cluster {} found in region {} as {}", owner.organization(), owner.cluster(), region.name(),
                found.name());
        return true;
    }

    private ClusterView change(Principal who, String action, String name, String ifMatch, String rawBody,
                               Function<DatabaseClusterSpec, DatabaseClusterSpec> change) {
        return change(who, action, name, ifMatch, rawBody, (tx, record) -> change.apply(record.spec()));
    }

    private ClusterView change(Principal who, String action, String name, String ifMatch, String rawBody,
                               BiFunction<StoreTransaction, ClusterRecord, DatabaseClusterSpec> change) {
        return change(who, action, name, ifMatch, rawBody, change, (tx, updated) -> {
        });
    }

    /** @param written what else the change records, in its transaction, once the region took the new spec */
    private ClusterView change(Principal who, String action, String name, String ifMatch, String rawBody,
                               BiFunction<StoreTransaction, ClusterRecord, DatabaseClusterSpec> change,
                               java.util.function.BiConsumer<StoreTransaction, ClusterRecord> written) {
        who.requireClusterChanges();
        return audited(who, action, name, rawBody, () -> inTransaction(tx -> {
            ClusterRecord record = caughtUp(find(tx, who, name));
            IfMatch.check(ifMatch, record.resourceVersion());
            DatabaseClusterSpec spec = change.apply(tx, record);
            List<FieldProblem> problems = SpecChanges.problems(name, spec).stream()
                    .filter(p -> !p.field().equals("name")).toList();
            if (!problems.isEmpty()) {
                throw ProblemException.invalid(problems);
            }
            if (spec.equals(record.spec())) {
                return new Done<>(view(record, ReplicaSources.Names.of(tx, who.organization())), record.region(),
                        record.regionName(), record.generation());
            }
            List<String> unsupported = ReleaseChanges.problems(record.spec(), spec);
            if (!unsupported.isEmpty()) {
                throw ProblemException.invalid(unsupported.stream().map(FieldProblem::fromSpecMessage).toList());
            }
            List<String> suspended = SuspendedChanges.problems(record.spec(), spec);
            if (!suspended.isEmpty()) {
                // the cluster's state, not the request, stands in the way: the same request works once it runs
                throw ProblemException.conflict("cluster " + name + " is suspended: resume it first, then " + action
                        + " it (" + String.join("; ", suspended) + ")");
            }
            ClusterRecord updated = written(tx, record, spec);
            written.accept(tx, updated);
            LOG.info("{}: cluster {}: {} by key {}; generation {}", who.organization(), name, action, who.keyId(),
                    updated.generation());
            return new Done<>(view(updated, ReplicaSources.Names.of(tx, who.organization())), record.region(),
                    record.regionName(), updated.generation());
        }));
    }

    /**
     * Stores the new spec, then writes it to the region. The record's next version is taken first: a concurrent change
     * of the cluster waits on its row until this transaction ends, then finds the version moved on (412) and never
     * reaches the region; written the other way round, a change refused with 412 had been applied anyway. A spec the
     * region refuses rolls the new version back with the rest.
     */
    private ClusterRecord written(StoreTransaction tx, ClusterRecord record, DatabaseClusterSpec spec) {
        ClusterRecord updated = new ClusterRecord(record.organization(), record.name(), record.region(), record.regionName(),
                spec, record.generation(), record.resourceVersion() + 1, record.createdAt(), clock.instant());
        if (!tx.updateCluster(updated, record.resourceVersion())) {
            throw ProblemException.preconditionFailed("cluster " + record.name() + " changed meanwhile; read it again and retry");
        }
        long generation = applyToRegion(regions.of(record.region()), record.regionName(), spec);
        tx.updateGeneration(record.organization(), record.name(), generation);
        return withGeneration(updated, generation);
    }

    private static ClusterRecord withGeneration(ClusterRecord record, long generation) {
        return new ClusterRecord(record.organization(), record.name(), record.region(), record.regionName(), record.spec(),
                generation, record.resourceVersion(), record.createdAt(), record.updatedAt());
    }

    /** The work in one transaction; one that waited in vain for a concurrent one is refused, to be retried. */
    private <T> T inTransaction(Function<StoreTransaction, T> work) {
        try {
            return store.transaction(work);
        } catch (BusyException e) {
            throw ProblemException.conflict("the cluster is being changed by another request; retry once it is done");
        }
    }

    private long restoreInRegion(Region region, String nameInRegion, DatabaseClusterSpec spec, RestoreSource source) {
        try {
            long generation = region.restore(nameInRegion, spec, source);
            statuses.changed(region.name(), nameInRegion);
            return generation;
        } catch (InvalidSpecException e) {
            throw ProblemException.invalid(e.problems().stream().map(FieldProblem::fromSpecMessage).toList());
        } catch (RegionConflictException e) {
            throw ProblemException.conflict(e.getMessage());
        }
    }

    /** Asks the cluster's region for a backup now; the answer lists the cluster's backups as they stand. */
    public List<BackupRecord> backup(Principal who, String name) {
        who.requireClusterChanges();
        return audited(who, "backup", name, null, () -> {
            ClusterRecord record = store.read(tx -> find(tx, who, name));
            ReleaseChanges.backupProblem(record.spec().release()).ifPresent(problem -> {
                // refused here rather than accepted (202) and failed 0.4 s later
                throw ProblemException.conflict(problem);
            });
            Region region = regions.of(record.region());
            try {
                if (!region.requestBackup(record.regionName())) {
                    throw ProblemException.conflict("region " + region.name() + " has no cluster " + record.regionName() + " (being deleted?)");
                }
            } catch (RegionConflictException e) {
                throw ProblemException.conflict(e.getMessage());
            }
            LOG.info("{}: backup of cluster {} asked for by key {}", who.organization(), name, who.keyId());
            return new Done<>(region.backups(record.regionName()), record.region(), record.regionName(), null);
        });
    }

    /** The cluster's backups, oldest first, the failed ones with their reason. */
    public List<BackupRecord> backups(Principal who, String name) {
        ClusterRecord record = store.read(tx -> find(tx, who, name));
        return regions.of(record.region()).backups(record.regionName());
    }

    /** The certificate (PEM) clients of the cluster trust: any key of its organization may read it, nothing is secret. */
    public String caCertificate(Principal who, String name) {
        ClusterRecord record = store.read(tx -> find(tx, who, name));
        return regions.of(record.region()).caCertificate(record.regionName()).orElseThrow(() -> ProblemException.notFound(
                "cluster " + name + " takes clients in plain text (made before TLS, or its region serves none): no certificate"));
    }

    /**
     * Where the cluster takes SQL and the platform's login there (its admin secret, as the telemetry uses), for the
     * API's SQL route; why not, when no aggregator serves SQL yet.
     */
    public dev.canopy.controlplane.sql.SqlTarget sqlTarget(Principal who, String name) {
        ClusterRecord record = store.read(tx -> find(tx, who, name));
        ClusterView view = view(record, ReplicaSources.Names.NONE);
        var status = view.status();
        String unavailable = Boolean.TRUE.equals(view.deleting()) ? "it is being deleted"
                : view.jdbcUrl() == null || status == null || status.aggregators() == null || status.aggregators().ready() == 0
                ? "no aggregator is ready (phase " + view.phase() + ")" : null;
        java.util.Properties login = unavailable != null ? new java.util.Properties()
                : regions.of(record.region()).adminLogin(record.regionName()).orElseGet(java.util.Properties::new);
        return new dev.canopy.controlplane.sql.SqlTarget(name, view.jdbcUrl(), login, unavailable);
    }

    /** The cluster's database users made through the platform, by name; never a password. */
    public List<DatabaseUser> users(Principal who, String name) {
        ClusterRecord record = store.read(tx -> find(tx, who, name));
        return userCall(record, region -> region.users(record.regionName()));
    }

    /** Makes a database user with a generated password: the answer is the only place the password is ever shown. */
    public DatabaseLogin createUser(Principal who, String name, CreateUserRequest request, String rawBody) {
        who.requireClusterChanges();
        return auditedNow(who, "create-user", name, rawBody, () -> {
            ClusterUsers.nameProblem(request.name()).ifPresent(problem -> {
                throw ProblemException.invalid(List.of(new FieldProblem("name", problem)));
            });
            ClusterRecord record = store.read(tx -> find(tx, who, name));
            DatabaseLogin login = userCall(record, region -> region.createUser(record.regionName(), request.name()));
            LOG.info("{}: database user {} of cluster {} created by key {}", who.organization(), request.name(), name, who.keyId());
            return login;
        });
    }

    /** A new generated password for the user, shown once; the old one is refused from now on. */
    public DatabaseLogin rotatePassword(Principal who, String name, String user) {
        who.requireClusterChanges();
        return auditedNow(who, "rotate-password", name, "{\"user\":" + Json.write(user) + "}", () -> {
            ClusterRecord record = store.read(tx -> find(tx, who, name));
            DatabaseLogin login = userCall(record, region -> region.rotatePassword(record.regionName(), user));
            LOG.info("{}: password of database user {} of cluster {} rotated by key {}", who.organization(), user, name, who.keyId());
            return login;
        });
    }

    public void deleteUser(Principal who, String name, String user) {
        who.requireClusterChanges();
        auditedNow(who, "delete-user", name, "{\"user\":" + Json.write(user) + "}", () -> {
            ClusterRecord record = store.read(tx -> find(tx, who, name));
            userCall(record, region -> region.deleteUser(record.regionName(), user) ? Optional.of(true) : Optional.empty());
            LOG.info("{}: database user {} of cluster {} deleted by key {}", who.organization(), user, name, who.keyId());
            return true;
        });
    }

    /** A call on the cluster's users in its region, its refusals as the API answers them. */
    private <T> T userCall(ClusterRecord record, java.util.function.Function<Region, Optional<T>> call) {
        Region region = regions.of(record.region());
        try {
            return call.apply(region).orElseThrow(() -> ProblemException.conflict("region " + region.name() + " has no cluster "
                    + record.regionName() + " (being deleted?)"));
        } catch (UnknownUserException e) {
            throw ProblemException.notFound(e.getMessage());
        } catch (RegionConflictException e) {
            throw ProblemException.conflict(e.getMessage());
        }
    }

    /** Runs a change that is done when it returns, and logs it as succeeded, refused or failed. */
    private <T> T auditedNow(Principal who, String action, String cluster, String request, Supplier<T> work) {
        try {
            T result = work.get();
            record(who, action, cluster, request, Operation.Outcome.succeeded, null, null);
            return result;
        } catch (ProblemException e) {
            record(who, action, cluster, request, Operation.Outcome.refused, e.getMessage(), null);
            throw e;
        } catch (RuntimeException e) {
            record(who, action, cluster, request, Operation.Outcome.failed, e.toString(), null);
            throw e;
        }
    }

    private long applyToRegion(Region region, String nameInRegion, DatabaseClusterSpec spec) {
        try {
            long generation = region.apply(nameInRegion, spec);
            statuses.changed(region.name(), nameInRegion);
            return generation;
        } catch (InvalidSpecException e) {
            throw ProblemException.invalid(e.problems().stream().map(FieldProblem::fromSpecMessage).toList());
        } catch (RegionConflictException e) {
            throw ProblemException.conflict(e.getMessage());
        }
    }

    private static ClusterRecord find(StoreTransaction tx, Principal who, String name) {
        return tx.cluster(who.organization(), name)
                .orElseThrow(() -> ProblemException.notFound("no cluster named " + name));
    }

    /**
     * The record with the region's spec when the region is ahead: a cluster of the local region may have been changed
     * straight in its files (an earlier CLI's {@code cluster apply} did), and a change through the API must start from that.
     */
    private ClusterRecord caughtUp(ClusterRecord record) {
        return caughtUp(record, regions.of(record.region()).get(record.regionName()));
    }

    private static ClusterRecord caughtUp(ClusterRecord record, Optional<RegionCluster> inRegion) {
        return inRegion.filter(c -> c.generation() > record.generation())
                .map(c -> new ClusterRecord(record.organization(), record.name(), record.region(), record.regionName(),
                        c.spec(), c.generation(), record.resourceVersion(), record.createdAt(), record.updatedAt()))
                .orElse(record);
    }

    private ClusterView view(ClusterRecord stored, ReplicaSources.Names names) {
        // from memory: what the region last told (see RegionStatusCache), never a call to it on the request's thread
        return view(stored, statuses.get(stored.region(), stored.regionName()), names);
    }

    /** The cluster as its organization sees it: a replica's source under the organization's name for it. */
    private ClusterView view(ClusterRecord stored, Optional<RegionCluster> inRegion, ReplicaSources.Names names) {
        ClusterRecord record = caughtUp(stored, inRegion);
        var status = ReplicaSources.toApi(inRegion.map(RegionCluster::status).orElse(null), record.organization(), names);
        String phase = phaseOf(inRegion);
        String jdbcUrl = status == null || status.endpoints() == null ? null : status.endpoints().jdbcUrl();
        Boolean deleting = inRegion.map(RegionCluster::deleting).filter(d -> d).orElse(null);
        return new ClusterView(record.name(), record.region(), record.generation(), record.resourceVersion(), phase,
                jdbcUrl, ReplicaSources.toApi(record.spec(), record.organization(), names), status, deleting, record.createdAt(),
                record.updatedAt(), statuses.staleSince(record.region()).orElse(null));
    }

    /** The phase the cluster shows: the region's, or Pending before the region has told one. */
    private static String phaseOf(Optional<RegionCluster> inRegion) {
        return inRegion.map(RegionCluster::status).map(s -> s.phase()).map(Enum::name).orElse(ClusterView.PENDING);
    }

    /** What a change did, and where the region is to be watched for its end. */
    private record Done<T>(T result, String region, String regionName, Long generation) {
    }

    /**
     * Runs a change and writes it to the operations log, whatever the end: accepted (then followed in its region until
     * done), refused, or failed.
     */
    private <T> T audited(Principal who, String action, String cluster, String request, Supplier<Done<T>> work) {
        try {
            Done<T> done = work.get();
            record(who, action, cluster, request, Operation.Outcome.accepted, null, done);
            return done.result();
        } catch (ProblemException e) {
            record(who, action, cluster, request, Operation.Outcome.refused, e.getMessage(), null);
            throw e;
        } catch (AnsweredMeanwhile e) {
            // nothing was done: the request gets the earlier answer, whose operation is logged already
            throw e;
        } catch (RuntimeException e) {
            record(who, action, cluster, request, Operation.Outcome.failed, e.toString(), null);
            throw e;
        }
    }

    private void record(Principal who, String action, String cluster, String request, Operation.Outcome outcome,
                        String message, Done<?> done) {
        Operation operation = Operation.of(who.organization(), who.keyId(), action,
                cluster != null && cluster.length() <= 40 ? cluster : null, request, outcome, message, clock.instant());
        Operation followed = done == null ? operation : operation.following(done.region(), done.regionName(), done.generation());
        try {
            store.transaction(tx -> tx.record(followed));
        } catch (RuntimeException e) {
            LOG.error("{}: could not log the operation {} on {} ({}): {}", who.organization(), action, cluster, outcome, e.toString());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored answer is not JSON", e);
        }
    }
}

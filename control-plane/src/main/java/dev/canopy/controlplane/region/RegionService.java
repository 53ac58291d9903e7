package dev.canopy.controlplane.region;

import dev.canopy.core.Causes;

import dev.canopy.controlplane.auth.Principal;
import dev.canopy.controlplane.json.Json;
import dev.canopy.controlplane.organizations.OrganizationService;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.store.AlreadyExistsException;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.Operation;
import dev.canopy.controlplane.store.RegionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kubernetes regions registered through the API: validated, stored, and put into {@link Regions}; opened again from
 * the store on every start. Only admins of the platform organization register or remove regions, since every
 * organization's clusters may be placed there.
 */
public final class RegionService {
    private static final Logger LOG = LoggerFactory.getLogger(RegionService.class);
    // a DNS label, as a Kubernetes namespace; region names follow the same rule so they read well in URLs
    private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

    private final ControlPlaneStore store;
    private final Regions regions;
    private final Clock clock;
    private final Function<RegionRecord, Region> open;

    /** {@code open} turns a stored registration into a region (a client of its context). */
    public RegionService(ControlPlaneStore store, Regions regions, Clock clock, Function<RegionRecord, Region> open) {
        this.store = store;
        this.regions = regions;
        this.clock = clock;
        this.open = open;
    }

    /**
     * Opens a Kubernetes region through the registration's kubeconfig context; it finds a replica's source region
     * among {@code regions}, and hands its own context to the operators of replicas elsewhere.
     */
    public static Function<RegionRecord, Region> openKubernetes(Regions regions) {
        return record -> new KubernetesRegion(record.name(), record.namespace(),
                Kubeconfigs.client(record.kubeconfig(), record.context()),
                Kubeconfigs.forOperator(record.kubeconfig(), record.context(), record.namespace()), regions::find);
    }

    public record RegisterRegionRequest(String name, String kind, String kubeconfig, String context, String namespace) {
    }

    /** Puts every stored region into the registry: registered regions come back after a restart. */
    public void restore() {
        for (RegionRecord record : store.read(tx -> tx.regions())) {
            if (!regions.add(open.apply(record))) {
                throw new IllegalStateException("a registered region is named " + record.name() + ", as a built-in one");
            }
            LOG.info("region {} ({}, context {}, namespace {}) restored", record.name(), record.kind(), record.context(),
                    record.namespace());
        }
    }

    public Map<String, Object> register(Principal who, RegisterRegionRequest request) {
        requirePlatformAdmin(who);
        List<FieldProblem> problems = new ArrayList<>();
        if (request.name() == null || !request.name().matches(DNS_LABEL)) {
            problems.add(new FieldProblem("name",
                    "must be 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit, got " + request.name()));
        }
        if (!KubernetesRegion.KIND.equals(request.kind())) {
            problems.add(new FieldProblem("kind", "must be kubernetes (the only kind that can be registered), got " + request.kind()));
        }
        Kubeconfigs.problem(request.kubeconfig(), request.context()).ifPresent(problems::add);
        if (request.namespace() == null || !request.namespace().matches(DNS_LABEL)) {
            problems.add(new FieldProblem("namespace", "must be a Kubernetes namespace name (a DNS label), got " + request.namespace()));
        }
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        if (regions.find(request.name()).isPresent()) {
            throw ProblemException.conflict("region " + request.name() + " exists already");
        }
        RegionRecord record = new RegionRecord(request.name(), request.kind(), request.kubeconfig(), request.context(),
                request.namespace(), clock.instant());
        Region region = open.apply(record);
        try {
            store.transaction(tx -> {
                tx.insertRegion(record);
                // never the kubeconfig: the audit log is no place for credentials
                tx.record(Operation.of(who.organization(), who.keyId(), "register-region", null,
                        Json.write(Map.of("name", record.name(), "context", record.context(), "namespace", record.namespace())),
                        Operation.Outcome.succeeded, "region " + record.name(), clock.instant()));
                if (!regions.add(region)) {
                    // rolls the insert back: another request registered the name between the check and here
                    throw new AlreadyExistsException("region " + record.name() + " already exists");
                }
                return null;
            });
        } catch (AlreadyExistsException e) {
            close(region);
            throw ProblemException.conflict("region " + record.name() + " exists already");
        } catch (RuntimeException e) {
            close(region);
            throw e;
        }
        LOG.info("region {} registered by key {}: context {}, namespace {}", record.name(), who.keyId(), record.context(),
                record.namespace());
        return view(region);
    }

    public List<Map<String, Object>> list() {
        return regions.all().stream().map(RegionService::view).toList();
    }

    /** Removes a registered region, refused while any cluster lives there. */
    public void delete(Principal who, String name) {
        requirePlatformAdmin(who);
        store.transaction(tx -> {
            boolean registered = tx.regions().stream().anyMatch(r -> r.name().equals(name));
            if (!registered) {
                throw regions.find(name).isPresent()
                        ? ProblemException.conflict("region " + name + " is built in and cannot be removed")
                        : ProblemException.notFound("no region " + name);
            }
            List<ClusterRecord> living = tx.clustersInRegion(name);
            if (!living.isEmpty()) {
                throw ProblemException.conflict("region " + name + " still holds " + living.size() + " cluster(s), e.g. "
                        + living.getFirst().organization() + "/" + living.getFirst().name() + ": delete them first");
            }
            refuseWhileResourcesRemain(name);
            long following = tx.unfinishedOperations().stream().filter(o -> name.equals(o.region())).count();
            if (following > 0) {
                throw ProblemException.conflict("region " + name + " is still carrying out " + following
                        + " operation(s): retry once they have ended");
            }
            tx.deleteRegion(name);
            tx.record(Operation.of(who.organization(), who.keyId(), "delete-region", null, Json.write(Map.of("name", name)),
                    Operation.Outcome.succeeded, "region " + name, clock.instant()));
            return null;
        });
        regions.remove(name).ifPresent(RegionService::close);
        LOG.info("region {} removed by key {}", name, who.keyId());
    }

    /**
     * A deleted cluster's resource may stay in the region a while (its nodes stopping, its storage going): the region
     * is kept until they are gone. A region that does not answer has nothing the control plane can wait for.
     */
    private void refuseWhileResourcesRemain(String name) {
        List<RegionCluster> remaining;
        try {
            remaining = regions.find(name).map(Region::list).orElse(List.of());
        } catch (RegionUnavailableException e) {
            LOG.warn("region {} removed without looking into it: {}", name, e.getMessage());
            return;
        }
        if (!remaining.isEmpty()) {
            throw ProblemException.conflict("region " + name + " still holds " + remaining.size() + " DatabaseCluster resource(s), e.g. "
                    + remaining.getFirst().name() + (remaining.getFirst().deleting() ? " (being deleted)" : "")
                    + ": retry once they are gone");
        }
    }

    /**
     * A region as the API shows it, with its health asked now. A region whose check itself fails (a registration whose
     * kubeconfig cannot make a client, say) is unhealthy, saying why: it must not fail the list or the public health.
     */
    public static Map<String, Object> view(Region region) {
        RegionHealth health;
        try {
            health = region.health();
        } catch (RuntimeException e) {
            LOG.warn("region {}: its health could not be checked", region.name(), e);
            health = new RegionHealth(false, "its health could not be checked: " + Causes.rootMessage(e));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", region.name());
        view.put("kind", region.kind());
        if (region instanceof KubernetesRegion kubernetes) {
            view.put("namespace", kubernetes.namespace());
        }
        view.put("healthy", health.healthy());
        view.put("message", health.message());
        view.put("releases", region.releases());
        return view;
    }

    private static void requirePlatformAdmin(Principal who) {
        who.requireAdmin();
        if (!who.organization().equals(OrganizationService.PLATFORM)) {
            throw ProblemException.forbidden("only an admin key of organization " + OrganizationService.PLATFORM
                    + " may register or remove regions");
        }
    }

    /** Closes the clients of every registered region, at shutdown. */
    public void closeAll() {
        regions.all().forEach(RegionService::close);
    }

    private static void close(Region region) {
        if (region instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing region {}: {}", region.name(), e.toString());
            }
        }
    }
}

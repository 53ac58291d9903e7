package dev.canopy.controlplane.organizations;

import dev.canopy.controlplane.auth.ApiKeys;
import dev.canopy.controlplane.auth.Principal;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.region.RegionNames;
import dev.canopy.controlplane.store.AlreadyExistsException;
import dev.canopy.controlplane.store.ApiKey;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.Operation;
import dev.canopy.controlplane.store.Organization;
import dev.canopy.controlplane.store.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organizations and their keys. The platform's own organization ({@link #PLATFORM}, made on first start) is the
 * operator's: its admins create the other organizations, each with a first admin key.
 */
public final class OrganizationService {
    public static final String PLATFORM = "default";
    private static final Logger LOG = LoggerFactory.getLogger(OrganizationService.class);

    private final ControlPlaneStore store;
    private final Clock clock;

    public OrganizationService(ControlPlaneStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A key as listed: never its hash. */
    public record KeyView(String id, String organization, Role role, String description, java.time.Instant createdAt,
                          java.time.Instant revokedAt) {
        static KeyView of(ApiKey key) {
            return new KeyView(key.id(), key.organization(), key.role(), key.description(), key.createdAt(), key.revokedAt());
        }
    }

    /** A key just made: the only time its secret is shown. */
    public record NewKey(KeyView key, String secret) {
    }

    public record NewOrganization(Organization organization, NewKey adminKey) {
    }

    public record CreateOrganizationRequest(String name) {
    }

    public record CreateKeyRequest(Role role, String description) {
    }

    /** An organization as listed to the platform's admins. */
    public record OrganizationView(String name, java.time.Instant createdAt, int clusters) {
    }

    /**
     * Makes the platform organization if it is missing, and an admin key for it if it has no valid admin key;
     * returns that key (to show once) or empty when one was there already.
     */
    public Optional<NewKey> bootstrap() {
        return store.transaction(tx -> {
            if (tx.organization(PLATFORM).isEmpty()) {
                tx.insertOrganization(new Organization(PLATFORM, clock.instant()));
                LOG.info("organization {} created (first start)", PLATFORM);
            }
            boolean hasAdmin = tx.keys(PLATFORM).stream().anyMatch(k -> k.role() == Role.admin && !k.revoked());
            if (hasAdmin) {
                return Optional.<NewKey>empty();
            }
            ApiKeys.Issued issued = ApiKeys.issue(PLATFORM, Role.admin, "bootstrap admin key", clock.instant());
            tx.insertKey(issued.stored());
            tx.record(Operation.of(PLATFORM, "platform", "create-key", null, "{\"role\":\"admin\"}",
                    Operation.Outcome.succeeded, "bootstrap admin key " + issued.stored().id(), clock.instant()));
            LOG.info("organization {}: admin key {} made, as it had no valid admin key", PLATFORM, issued.stored().id());
            return Optional.of(new NewKey(KeyView.of(issued.stored()), issued.key()));
        });
    }

    /** Refuses (403) any key but an admin key of the platform organization; {@code what} says what it may do. */
    public static void requirePlatformAdmin(Principal who, String what) {
        who.requireAdmin();
        if (!who.organization().equals(PLATFORM)) {
            throw ProblemException.forbidden("only an admin key of organization " + PLATFORM + " may " + what);
        }
    }

    public List<OrganizationView> organizations(Principal who) {
        requirePlatformAdmin(who, "list organizations");
        return store.read(tx -> {
            Map<String, Integer> clusters = tx.clusterCounts();
            return tx.organizations().stream().map(o ->
                    new OrganizationView(o.name(), o.createdAt(), clusters.getOrDefault(o.name(), 0))).toList();
        });
    }

    /**
     * Removes an organization that has no cluster left, with its keys (they stop working at once), its stored answers
     * and its audit log: a new organization of the same name must not read the old one's log. The platform's own
     * log keeps that it was deleted, and by whom.
     */
    public void deleteOrganization(Principal who, String name) {
        requirePlatformAdmin(who, "delete organizations");
        if (PLATFORM.equals(name)) {
            throw ProblemException.conflict("organization " + PLATFORM + " is the platform's own and cannot be deleted");
        }
        store.transaction(tx -> {
            if (tx.organization(name).isEmpty()) {
                throw ProblemException.notFound("no organization " + name);
            }
            List<String> clusters = tx.clusters(name).stream().map(ClusterRecord::name).toList();
            if (!clusters.isEmpty()) {
                throw ProblemException.conflict("organization " + name + " still has clusters "
                        + String.join(", ", clusters) + ": delete them first");
            }
            int keys = tx.keys(name).size();
            tx.deleteOrganization(name);
            tx.record(Operation.of(who.organization(), who.keyId(), "delete-organization", null,
                    "{\"name\":\"" + name + "\"}", Operation.Outcome.succeeded, keys + " keys removed", clock.instant()));
            LOG.info("organization {} deleted by key {}, with its {} keys", name, who.keyId(), keys);
            return null;
        });
    }

    public NewOrganization createOrganization(Principal who, CreateOrganizationRequest request) {
        requirePlatformAdmin(who, "create organizations");
        String name = request.name();
        if (name == null || !name.matches(RegionNames.ORGANIZATION_PATTERN)) {
            throw ProblemException.invalid(List.of(new FieldProblem("name",
                    "must be 1 to 12 lower-case letters and digits, starting with a letter, got " + name)));
        }
        return store.transaction(tx -> {
            Organization organization = new Organization(name, clock.instant());
            try {
                tx.insertOrganization(organization);
            } catch (AlreadyExistsException e) {
                throw ProblemException.conflict("organization " + name + " exists already");
            }
            ApiKeys.Issued issued = ApiKeys.issue(name, Role.admin, "first admin key", clock.instant());
            tx.insertKey(issued.stored());
            tx.record(Operation.of(who.organization(), who.keyId(), "create-organization", null, "{\"name\":\"" + name + "\"}",
                    Operation.Outcome.succeeded, null, clock.instant()));
            LOG.info("organization {} created by key {} with admin key {}", name, who.keyId(), issued.stored().id());
            return new NewOrganization(organization, new NewKey(KeyView.of(issued.stored()), issued.key()));
        });
    }

    public NewKey createKey(Principal who, CreateKeyRequest request) {
        who.requireAdmin();
        List<FieldProblem> problems = new ArrayList<>();
        if (request.role() == null) {
            problems.add(new FieldProblem("role", "is required: admin, member or viewer"));
        }
        String description = request.description() == null ? "" : request.description();
        if (description.length() > 200) {
            problems.add(new FieldProblem("description", "must be at most 200 characters, got " + description.length()));
        }
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return store.transaction(tx -> {
            ApiKeys.Issued issued = ApiKeys.issue(who.organization(), request.role(), description, clock.instant());
            tx.insertKey(issued.stored());
            tx.record(Operation.of(who.organization(), who.keyId(), "create-key", null, "{\"role\":\"" + request.role() + "\"}",
                    Operation.Outcome.succeeded, "key " + issued.stored().id(), clock.instant()));
            LOG.info("{}: {} key {} made by key {}", who.organization(), request.role(), issued.stored().id(), who.keyId());
            return new NewKey(KeyView.of(issued.stored()), issued.key());
        });
    }

    public List<KeyView> keys(Principal who) {
        who.requireAdmin();
        return store.read(tx -> tx.keys(who.organization())).stream().map(KeyView::of).toList();
    }

    public void revokeKey(Principal who, String id) {
        who.requireAdmin();
        store.transaction(tx -> {
            if (!tx.revokeKey(who.organization(), id, clock.instant())) {
                throw ProblemException.notFound("no valid key " + id);
            }
            tx.record(Operation.of(who.organization(), who.keyId(), "revoke-key", null, null,
                    Operation.Outcome.succeeded, "key " + id, clock.instant()));
            LOG.info("{}: key {} revoked by key {}", who.organization(), id, who.keyId());
            return null;
        });
    }
}

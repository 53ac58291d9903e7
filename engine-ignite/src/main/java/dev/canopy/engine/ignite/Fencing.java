package dev.canopy.engine.ignite;

import dev.canopy.core.Causes;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Fencing by Ignite's cluster state: {@code ACTIVE_READ_ONLY} lets every read through and makes the cluster refuse
 * every cache and SQL write itself (whoever the client), and {@code ACTIVE} takes writes again. Set through the thin
 * client's cluster API on a leaf, which a 2.16 cluster takes from the platform's 2.17 client.
 */
final class Fencing {
    private static final Logger LOG = LoggerFactory.getLogger(Fencing.class);

    private Fencing() {
    }

    static void fence(Topology cluster, AdminLogins logins) {
        change(cluster, logins, ClusterState.ACTIVE_READ_ONLY);
    }

    static void unfence(Topology cluster, AdminLogins logins) {
        change(cluster, logins, ClusterState.ACTIVE);
    }

    static boolean fenced(Topology cluster, AdminLogins logins) {
        try (IgniteClient client = IgniteAdmin.connect(leaves(cluster), logins.of(cluster))) {
            return client.cluster().state() == ClusterState.ACTIVE_READ_ONLY;
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not read the state of " + cluster.cluster() + ": " + Causes.rootMessage(e), e);
        }
    }

    /**
     * From an active cluster only: an inactive one takes no writes and reads none either, and making it active is the
     * region's decision (its baseline), not a fence's.
     */
    private static void change(Topology cluster, AdminLogins logins, ClusterState wanted) {
        try (IgniteClient client = IgniteAdmin.connect(leaves(cluster), logins.of(cluster))) {
            ClusterState state = client.cluster().state();
            if (state == wanted) {
                return;
            }
            if (state == ClusterState.INACTIVE) {
                throw new IllegalStateException(cluster.cluster() + " is inactive: it is activated, not " + (wanted == ClusterState.ACTIVE
                        ? "unfenced" : "fenced"));
            }
            client.cluster().state(wanted);
            LOG.info("{}: {} (was {})", cluster.cluster(), wanted == ClusterState.ACTIVE ? "unfenced: takes writes again"
                    : "fenced: read-only", state);
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not set " + cluster.cluster() + " to " + wanted + ": " + Causes.rootMessage(e), e);
        }
    }

    private static List<String> leaves(Topology cluster) {
        return cluster.leaves().stream().map(NodePlacement::sqlAddress).toList();
    }
}

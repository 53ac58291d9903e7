package dev.canopy.runtime.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.Deployments;
import dev.canopy.core.Topology;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * A DatabaseCluster's two deployments ({@link OwnedCluster#deployments}) for blue/green upgrades: which one serves and
 * the upgrade's progress are kept in the cluster's upgrade ConfigMap (owned by it: a restarted or failed-over operator
 * carries on), and the client endpoint is the cluster's SQL Service, whose selector moves from blue's aggregators to
 * green's. Made for one pass; reads the ConfigMap once and keeps what it writes.
 */
public final class KubernetesDeployments implements Deployments {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesDeployments.class);
    static final String COMPONENT = "upgrade";
    static final String PROGRESS_KEY = "blue-green.json";
    static final String SERVING_KEY = "serving";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final OwnedCluster cluster;
    private final Applier applier;
    private final OwnedConfigMap map;
    private Optional<BlueGreen.Progress> progress;

    public KubernetesDeployments(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        this.client = client;
        this.settings = settings;
        this.cluster = cluster;
        this.applier = new Applier(client, settings.serverSideApply());
        this.map = new OwnedConfigMap(client, applier, cluster, ObjectNames.upgradeConfigMap(cluster.name()), COMPONENT);
    }

    @Override
    public String serving(String name) {
        String serving = map.get(SERVING_KEY);
        return serving == null ? cluster.name() : serving;
    }

    @Override
    public String other(String name) {
        String serving = serving(name);
        return cluster.deployments().stream().filter(d -> !d.equals(serving)).findFirst().orElseThrow();
    }

    @Override
    public Optional<BlueGreen.Progress> progress(String name) {
        // asked several times a pass (which deployments capture, which are built, the upgrade itself): parsed once
        if (progress == null) {
            String json = map.get(PROGRESS_KEY);
            try {
                progress = json == null ? Optional.empty() : Optional.of(JSON.readValue(json, BlueGreen.Progress.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(ObjectNames.upgradeConfigMap(cluster.name()) + " holds no readable progress: "
                        + e.getOriginalMessage(), e);
            }
        }
        return progress;
    }

    /** Whether the deployment is blue in an upgrade under way: its leaves capture their changes for green. */
    public boolean capturingForUpgrade(String deployment) {
        return progress(cluster.name()).filter(BlueGreen.Progress::inProgress).map(p -> p.blue().equals(deployment)).orElse(false);
    }

    /** Green while an upgrade builds it: it needs its Services before its pods start. */
    public Optional<String> building() {
        return progress(cluster.name()).filter(BlueGreen.Progress::inProgress).filter(p -> p.switchedAt() == null)
                .map(BlueGreen.Progress::green);
    }

    @Override
    public void saveProgress(String name, BlueGreen.Progress progress) {
        try {
            map.put(PROGRESS_KEY, JSON.writeValueAsString(progress));
            this.progress = Optional.of(progress);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the upgrade's progress: " + e.getOriginalMessage(), e);
        }
    }

    /** The SQL Service selects green's aggregators from now on; green is recorded as serving first. */
    @Override
    public void moveClients(String name, Topology blue, Topology green) {
        map.put(SERVING_KEY, green.cluster());
        applier.apply(SqlService.build(cluster.in(green.cluster(), cluster.spec())));
        LOG.info("{}/{}: the SQL Service now selects the aggregators of {} (was {})", cluster.namespace(), cluster.name(),
                green.cluster(), blue.cluster());
    }

    @Override
    public void retire(String deployment) {
        new KubernetesRuntime(client, settings, cluster).retire(deployment);
    }
}

package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.core.NodeId;
import dev.canopy.runtime.kubernetes.NodeGroup;
import dev.canopy.runtime.kubernetes.ObjectNames;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the API server lacks here: a StatefulSet controller, a kubelet, the garbage collector and the claim protection
 * controller, much simplified. Every 100 ms it creates the missing pods (from the template, with a claim for a leaf and
 * the volume naming it, as the real controller adds), deletes pods beyond the replicas, marks pods running, and Ready
 * unless the test holds them back; it deletes the StatefulSets whose DatabaseCluster is gone and the pods of no
 * StatefulSet, and lets a deleted claim go once no pod names it. Status is
 * written as a real server takes it: through the status subresource, after the object is made (a real server drops the
 * status given at creation). Every pod it creates is recorded, in order; a round that fails is logged, not swallowed.
 */
final class StatefulSetController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatefulSetController.class);
    private static final String PROTECTION = "kubernetes.io/pvc-protection";
    private final KubernetesClient client;
    private final String namespace;
    private String lastFailure;
    private final Set<String> heldBack = new HashSet<>();
    private final Set<String> heldBackNext = new HashSet<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-statefulset-controller");
        t.setDaemon(true);
        return t;
    });

    StatefulSetController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    StatefulSetController start() {
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, 100, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The next pod of this name to be created stays not Ready until {@link #release}. */
    synchronized void holdBackNext(String pod) {
        heldBackNext.add(pod);
    }

    synchronized void release(String pod) {
        heldBack.remove(pod);
    }

    /** The pods created so far, in order, for one cluster. */
    List<String> created(String cluster) {
        return created.stream().filter(p -> p.startsWith(cluster + "-")).toList();
    }

    private void syncQuietly() {
        try {
            sync();
            lastFailure = null;
        } catch (RuntimeException e) {
            // the next round tries again, as a controller would; a real server's refusal must show in the test's log
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                LOG.warn("fake StatefulSet controller: {}", e.getMessage());
            }
            lastFailure = String.valueOf(e.getMessage());
        }
    }

    private synchronized void sync() {
        // pods before StatefulSets: the runtime changes the template before it deletes a pod, so a pod found missing
        // here is recreated from a template at least as new as that change
        List<Pod> allPods = client.pods().inNamespace(namespace).list().getItems();
        List<StatefulSet> sets = collectGarbage(client.apps().statefulSets().inNamespace(namespace).list().getItems(), allPods);
        releaseDeletedClaims(allPods);
        for (StatefulSet set : sets) {
            String name = set.getMetadata().getName();
            int replicas = set.getSpec().getReplicas();
            Set<String> existing = new HashSet<>();
            for (Pod pod : allPods) {
                if (!pod.getMetadata().getLabels().entrySet().containsAll(set.getSpec().getSelector().getMatchLabels().entrySet())) {
                    continue;
                }
                String podName = pod.getMetadata().getName();
                int ordinal = Integer.parseInt(podName.substring(name.length() + 1));
                if (ordinal >= replicas) {
                    client.resource(pod).delete();
                } else {
                    existing.add(podName);
                    boolean ready = !heldBack.contains(podName);
                    if (ready != isReady(pod)) {
                        setReady(pod, ready);
                    }
                }
            }
            for (int i = 0; i < replicas; i++) {
                String podName = name + "-" + i;
                if (!existing.contains(podName)) {
                    create(set, podName);
                }
            }
        }
    }

    /**
     * The garbage collector's part: a StatefulSet whose owner is gone is deleted, with its pods; one deleted with orphan
     * propagation loses its finalizer (its pods, which carry no owner reference here, stay).
     */
    private List<StatefulSet> collectGarbage(List<StatefulSet> sets, List<Pod> pods) {
        for (StatefulSet set : sets) {
            if (set.getMetadata().getDeletionTimestamp() != null && set.getMetadata().getFinalizers().contains("orphan")) {
                client.apps().statefulSets().inNamespace(namespace).withName(set.getMetadata().getName()).edit(s -> {
                    s.getMetadata().getFinalizers().remove("orphan");
                    return s;
                });
            }
        }
        Set<String> owners = new HashSet<>();
        client.resources(DatabaseCluster.class).inNamespace(namespace).list().getItems()
                .forEach(c -> owners.add(c.getMetadata().getUid()));
        List<StatefulSet> alive = new ArrayList<>();
        for (StatefulSet set : sets) {
            boolean orphaned = set.getMetadata().getOwnerReferences().stream().anyMatch(ref -> !owners.contains(ref.getUid()));
            if (!orphaned) {
                alive.add(set);
                continue;
            }
            client.resource(set).delete();
            pods.stream().filter(pod -> pod.getMetadata().getLabels().entrySet()
                    .containsAll(set.getSpec().getSelector().getMatchLabels().entrySet()))
                    .forEach(pod -> client.resource(pod).delete());
        }
        return alive;
    }

    /** The claim protection controller's part: a deleted claim keeps its finalizer while a pod names it. */
    private void releaseDeletedClaims(List<Pod> pods) {
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(namespace).list().getItems()) {
            if (claim.getMetadata().getDeletionTimestamp() == null || !claim.getMetadata().getFinalizers().contains(PROTECTION)) {
                continue;
            }
            boolean inUse = pods.stream().anyMatch(pod -> pod.getSpec().getVolumes().stream().anyMatch(v ->
                    v.getPersistentVolumeClaim() != null && claim.getMetadata().getName().equals(v.getPersistentVolumeClaim().getClaimName())));
            if (!inUse) {
                client.persistentVolumeClaims().inNamespace(namespace).withName(claim.getMetadata().getName()).edit(c -> {
                    c.getMetadata().getFinalizers().remove(PROTECTION);
                    return c;
                });
            }
        }
    }

    private void create(StatefulSet set, String podName) {
        PodSpec spec = new PodSpecBuilder(set.getSpec().getTemplate().getSpec()).build();
        if (!set.getSpec().getVolumeClaimTemplates().isEmpty()) {
            PersistentVolumeClaim template = set.getSpec().getVolumeClaimTemplates().get(0);
            String claim = template.getMetadata().getName() + "-" + podName;
            if (client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get() == null) {
                PersistentVolumeClaim made = client.persistentVolumeClaims().inNamespace(namespace).resource(
                        new PersistentVolumeClaimBuilder()
                                .withNewMetadata().withName(claim).withLabels(template.getMetadata().getLabels()).endMetadata()
                                .withSpec(template.getSpec()).build()).create();
                made.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
                client.persistentVolumeClaims().inNamespace(namespace).resource(made).updateStatus();
            }
            spec.getVolumes().add(new VolumeBuilder().withName(template.getMetadata().getName())
                    .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim().build());
        }
        Pod made = client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(podName).withLabels(set.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(set.getSpec().getTemplate().getMetadata().getAnnotations()).endMetadata()
                .withSpec(spec).build()).create();
        made.setStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(spec.getContainers().stream()
                .map(c -> new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withImageID("")
                        .withRestartCount(0).withReady(false).withNewState().withNewRunning().endRunning().endState().build())
                .toList()).build());
        client.pods().inNamespace(namespace).resource(made).updateStatus();
        created.add(podName);
        if (heldBackNext.remove(podName)) {
            heldBack.add(podName);
        }
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void setReady(Pod pod, boolean ready) {
        if (pod.getStatus() == null) {
            return; // made a moment ago: its status comes next
        }
        List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new ArrayList<>();
        conditions.add(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build());
        pod.getStatus().setConditions(conditions);
        if (pod.getStatus().getContainerStatuses() != null) {
            pod.getStatus().getContainerStatuses().forEach(c -> c.setReady(ready));
        }
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    /** The node a pod of this cluster runs, from its name. */
    static Optional<NodeId> node(String cluster, String podName) {
        for (NodeGroup group : NodeGroup.ALL) {
            String prefix = ObjectNames.statefulSet(cluster, group) + "-";
            if (podName.startsWith(prefix) && podName.substring(prefix.length()).chars().allMatch(Character::isDigit)) {
                return Optional.of(group.node(Integer.parseInt(podName.substring(prefix.length()))));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}

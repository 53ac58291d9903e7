package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The container beside a leaf that runs its change capture (the engine's CDC application, reading the leaf's
 * write-ahead log archive on the shared data volume) whenever the capture's ConfigMap exists. The capture is switched
 * on and off, and pointed at another target, by writing or deleting that ConfigMap, never by changing the pod: a leaf
 * is not restarted for it. The sidecar polls the projected file every two seconds, starts the application when it
 * appears, restarts it when its content changes or it exits, and stops it when the file goes (Kubernetes refreshes a
 * projected ConfigMap within its sync period, about a minute, which only delays the start and stop of a stream).
 */
public final class CaptureSidecar {
    public static final String CONTAINER = "capture";
    /** Its heap: the application holds one WAL segment's records at a time and a thin client. */
    static final String JVM_OPTS = "-Xms64m -Xmx256m";
    /**
     * Where the capture finds the logins of the clusters it streams to, in its own container only (the node's has no
     * use for them): {@value #ADMIN_LOGIN_FILE}, the cluster's own (green of a blue/green upgrade shares it), and
     * {@value #REPLICA_LOGIN_FILE}, the replica's (see {@link KubernetesReplication#replicaLogin}).
     */
    public static final String LOGINS_DIR = "/opt/canopy/logins";
    public static final String ADMIN_LOGIN_FILE = "admin.properties";
    public static final String REPLICA_LOGIN_FILE = "replica.properties";
    static final String LOGINS_VOLUME = "logins";

    private CaptureSidecar() {
    }

    public static Container build(String release, RuntimeSettings settings) {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(NodeStatefulSet.mount("config", NodeStatefulSet.CONFIG_DIR, true));
        mounts.add(NodeStatefulSet.mount(ObjectNames.DATA_VOLUME, NodeStatefulSet.DATA_DIR, false));
        mounts.add(NodeStatefulSet.mount(LOGINS_VOLUME, LOGINS_DIR, true));
        if (settings.nodeLibsImage() != null) {
            mounts.add(NodeStatefulSet.mount("node-libs", NodeStatefulSet.NODE_LIBS_DIR, true));
        }
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.imageOf(release))
                .withEnv(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("JVM_OPTS").withValue(JVM_OPTS).build())
                .withCommand("sh", "-c", script())
                .withResources(new ResourceRequirementsBuilder()
                        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("320Mi")))
                        .withLimits(Map.of("memory", new Quantity("384Mi"))).build())
                .withVolumeMounts(mounts)
                .build();
    }

    /**
     * The two Secrets' logins, projected: both optional, so that a cluster without a replica (or from before
     * authentication) starts its pods all the same; a Secret written later appears within the kubelet's sync period,
     * and a capture that started without the file exits and is started again by the loop below.
     */
    static Volume loginsVolume(String cluster) {
        return new VolumeBuilder().withName(LOGINS_VOLUME).withNewProjected().withSources(
                new VolumeProjectionBuilder().withNewSecret().withName(ObjectNames.adminSecret(cluster)).withOptional(true)
                        .withItems(new KeyToPath(AdminCredentialsSecret.LOGIN_KEY, null, ADMIN_LOGIN_FILE)).endSecret().build(),
                new VolumeProjectionBuilder().withNewSecret().withName(ObjectNames.replicaLoginSecret(cluster)).withOptional(true)
                        .withItems(new KeyToPath(AdminCredentialsSecret.LOGIN_KEY, null, REPLICA_LOGIN_FILE)).endSecret().build())
                .endProjected().build();
    }

    /** The supervisor loop; the file is {@link ObjectNames#captureKey} of this pod. */
    static String script() {
        return """
                file="%s/${POD_NAME}-capture.xml"; pid=""; running=""
                stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; fi; }
                trap 'stop; exit 0' TERM INT
                while true; do
                  if [ -f "$file" ]; then
                    sum="$(cksum < "$file")"
                    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || [ "$sum" != "$running" ]; then
                      stop; running="$sum"
                      echo "canopy: starting change capture from $file"
                      "$IGNITE_HOME/bin/ignite-cdc.sh" "$file" & pid=$!
                    fi
                  elif [ -n "$pid" ]; then
                    echo "canopy: $file is gone: stopping change capture"; stop; running=""
                  fi
                  sleep 2 & wait $!
                done
                """.formatted(NodeStatefulSet.CONFIG_DIR);
    }
}

package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodeState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What core sees of each node, from the cluster's StatefulSets, pods and claims. Pure.
 * <ul>
 * <li>a pod that runs is RUNNING (whether it has joined is the engine's to say); one whose container crashed and is
 *     being restarted, or is waiting to be, is RESTARTING;</li>
 * <li>an ordinal the StatefulSet covers but whose pod is not there yet (or is being deleted to restart) is RUNNING with
 *     what the template will start it with: the StatefulSet controller is creating it;</li>
 * <li>a leaf beyond the replicas whose claim remains is STOPPED with its storage;</li>
 * <li>a leaf pod whose claim is gone or Lost (its volume vanished) has lost its storage.</li>
 * </ul>
 */
public final class NodeObserver {
    private static final String CRASH_LOOP = "CrashLoopBackOff";

    private NodeObserver() {
    }

    public static List<NodeObservation> observe(String cluster, List<StatefulSet> statefulSets, List<Pod> pods,
                                                List<PersistentVolumeClaim> claims) {
        List<NodeObservation> observations = new ArrayList<>();
        for (NodeGroup group : NodeGroup.ALL) {
            String set = ObjectNames.statefulSet(cluster, group);
            Optional<StatefulSet> statefulSet = statefulSets.stream().filter(s -> s.getMetadata().getName().equals(set)).findFirst();
            int replicas = statefulSet.map(s -> s.getSpec().getReplicas()).orElse(0);
            NodeLaunches template = statefulSet.map(s -> launches(s.getSpec().getTemplate().getMetadata().getAnnotations()))
                    .orElse(NodeLaunches.parse(null));
            Map<Integer, Pod> podsByOrdinal = new TreeMap<>();
            pods.forEach(pod -> ordinal(set + "-", pod.getMetadata().getName()).ifPresent(i -> podsByOrdinal.put(i, pod)));
            Map<Integer, PersistentVolumeClaim> claimsByOrdinal = new TreeMap<>();
            if (group.isLeaves()) {
                claims.forEach(claim -> ordinal(ObjectNames.DATA_VOLUME + "-" + set + "-", claim.getMetadata().getName())
                        .ifPresent(i -> claimsByOrdinal.put(i, claim)));
            }
            TreeSet<Integer> ordinals = new TreeSet<>(podsByOrdinal.keySet());
            ordinals.addAll(claimsByOrdinal.keySet());
            for (int i = 0; i < replicas; i++) {
                ordinals.add(i);
            }
            for (int ordinal : ordinals) {
                observations.add(observe(group.node(ordinal), ordinal < replicas, template, podsByOrdinal.get(ordinal),
                        claimsByOrdinal.get(ordinal)));
            }
        }
        return observations;
    }

    private static NodeObservation observe(NodeId node, boolean covered, NodeLaunches template, Pod pod,
                                           PersistentVolumeClaim claim) {
        Optional<NodeLaunches.Entry> next = template.of(node);
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null && covered) {
            if (covered) {
                return observation(node, NodeState.RUNNING, next, 0);
            }
            return new NodeObservation(node, NodeState.STOPPED, null, null, 0);
        }
        Optional<NodeLaunches.Entry> started = launches(pod.getMetadata().getAnnotations()).of(node);
        int restarts = restarts(pod);
        if (node.isLeaf() && (claim == null || "Lost".equals(claim.getStatus() == null ? null : claim.getStatus().getPhase()))) {
            return observation(node, NodeState.STORAGE_LOST, started, restarts);
        }
        return observation(node, crashing(pod) ? NodeState.RESTARTING : NodeState.RUNNING, started, restarts);
    }

    /** Its container died and is being (or waiting to be) restarted in place, or the pod failed as a whole. */
    static boolean crashing(Pod pod) {
        if (pod.getStatus() == null) {
            return false;
        }
        if ("Failed".equals(pod.getStatus().getPhase())) {
            return true;
        }
        for (ContainerStatus status : containerStatuses(pod)) {
            boolean backingOff = status.getState() != null && status.getState().getWaiting() != null
                    && CRASH_LOOP.equals(status.getState().getWaiting().getReason());
            boolean restartedAndNotReady = status.getRestartCount() != null && status.getRestartCount() > 0
                    && !Boolean.TRUE.equals(status.getReady());
            if (backingOff || restartedAndNotReady) {
                return true;
            }
        }
        return false;
    }

    static int restarts(Pod pod) {
        return containerStatuses(pod).stream().mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).sum();
    }

    private static List<ContainerStatus> containerStatuses(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of() : pod.getStatus().getContainerStatuses();
    }

    private static NodeObservation observation(NodeId node, NodeState state, Optional<NodeLaunches.Entry> launch, int restarts) {
        return new NodeObservation(node, state, launch.map(NodeLaunches.Entry::release).orElse(null),
                launch.map(NodeLaunches.Entry::fingerprint).orElse(null), restarts);
    }

    static NodeLaunches launches(Map<String, String> annotations) {
        return NodeLaunches.parse(annotations == null ? null : annotations.get(NodeLaunches.ANNOTATION));
    }

    /** The ordinal in {@code <prefix><ordinal>}; empty for any other name (another group's, a longer prefix's). */
    static OptionalInt ordinal(String prefix, String name) {
        if (!name.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        String rest = name.substring(prefix.length());
        if (rest.isEmpty() || !rest.chars().allMatch(Character::isDigit) || rest.length() > 6) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(rest));
    }
}

package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodeState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
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
 * <li>a pod whose node container runs is RUNNING (whether it has joined is the engine's to say); one whose container
 *     crashed and is being restarted, or is waiting to be, is RESTARTING, with how it last ended;</li>
 * <li>a pod not running yet (not placed by the scheduler, its image being pulled or refused, its init container not
 *     done) is PENDING, saying why; so is an ordinal the StatefulSet covers whose pod is not there yet (or is being
 *     deleted to restart), with what the template will start it with: a pod that never ran is not up;</li>
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
                // a claim being deleted is gone: it waits only for its finalizer (no pod may use it any more)
                claims.stream().filter(claim -> claim.getMetadata().getDeletionTimestamp() == null)
                        .forEach(claim -> ordinal(ObjectNames.DATA_VOLUME + "-" + set + "-", claim.getMetadata().getName())
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
                return observation(node, NodeState.PENDING, next, 0,
                        pod == null ? "its pod is not made yet" : "its pod is being replaced");
            }
            return new NodeObservation(node, NodeState.STOPPED, null, null, 0);
        }
        Optional<NodeLaunches.Entry> started = launches(pod.getMetadata().getAnnotations()).of(node);
        int restarts = restarts(pod);
        if (node.isLeaf() && (claim == null || "Lost".equals(claim.getStatus() == null ? null : claim.getStatus().getPhase()))) {
            return observation(node, NodeState.STORAGE_LOST, started, restarts);
        }
        if (crashing(pod)) {
            return observation(node, NodeState.RESTARTING, started, restarts, lastEnd(pod));
        }
        Optional<String> waiting = waitingFor(pod);
        if (waiting.isPresent()) {
            return observation(node, NodeState.PENDING, started, restarts, waiting.get());
        }
        return new NodeObservation(node, NodeState.RUNNING, started.map(NodeLaunches.Entry::release).orElse(null),
                started.map(NodeLaunches.Entry::fingerprint).orElse(null), restarts, null, ready(pod));
    }

    /** The pod's Ready condition: what puts it in its Services' endpoints. */
    static boolean ready(Pod pod) {
        return conditions(pod).stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * What keeps a pod's node container from running, in one line: not scheduled (the scheduler's reason), an init
     * container not done, or the container waiting (an image that cannot be pulled, a config it cannot mount). Empty
     * once the container runs.
     */
    static Optional<String> waitingFor(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.of("its pod is not placed yet");
        }
        for (PodCondition condition : conditions(pod)) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                return Optional.of("not scheduled: " + oneLine(condition.getMessage() != null ? condition.getMessage()
                        : condition.getReason()));
            }
        }
        List<ContainerStatus> inits = pod.getStatus().getInitContainerStatuses() == null ? List.of()
                : pod.getStatus().getInitContainerStatuses();
        for (ContainerStatus init : inits) {
            if (!Boolean.TRUE.equals(init.getReady()) && init.getState() != null && init.getState().getTerminated() == null) {
                return Optional.of("init container " + init.getName() + " " + state(init));
            }
        }
        for (ContainerStatus status : containerStatuses(pod)) {
            if (NodeStatefulSet.CONTAINER.equals(status.getName()) && status.getState() != null
                    && status.getState().getRunning() == null) {
                return Optional.of(state(status));
            }
        }
        if (containerStatuses(pod).isEmpty() && !"Running".equals(pod.getStatus().getPhase())) {
            return Optional.of("its pod is " + (pod.getStatus().getPhase() == null ? "being made" : pod.getStatus().getPhase()));
        }
        return Optional.empty();
    }

    /** How the node container last ended, when the kubelet said. */
    private static String lastEnd(Pod pod) {
        for (ContainerStatus status : containerStatuses(pod)) {
            ContainerStateTerminated last = status.getLastState() == null ? null : status.getLastState().getTerminated();
            if (last != null && NodeStatefulSet.CONTAINER.equals(status.getName())) {
                return "last exit code " + last.getExitCode() + (last.getReason() == null ? "" : " (" + last.getReason() + ")");
            }
        }
        return null;
    }

    private static String state(ContainerStatus status) {
        if (status.getState().getWaiting() != null) {
            ContainerStateWaiting waiting = status.getState().getWaiting();
            String reason = waiting.getReason() == null ? "waiting" : waiting.getReason();
            return waiting.getMessage() == null ? reason : reason + ": " + oneLine(waiting.getMessage());
        }
        return status.getState().getRunning() != null ? "running" : "waiting";
    }

    /** A message as one readable line: the kubelet's and the scheduler's can run over several. */
    private static String oneLine(String message) {
        String line = message == null ? "" : message.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }

    private static List<PodCondition> conditions(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
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
        return observation(node, state, launch, restarts, null);
    }

    private static NodeObservation observation(NodeId node, NodeState state, Optional<NodeLaunches.Entry> launch, int restarts,
                                               String detail) {
        return new NodeObservation(node, state, launch.map(NodeLaunches.Entry::release).orElse(null),
                launch.map(NodeLaunches.Entry::fingerprint).orElse(null), restarts, detail);
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

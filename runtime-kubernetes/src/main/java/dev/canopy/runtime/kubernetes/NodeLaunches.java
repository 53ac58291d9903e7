package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What each node of a StatefulSet was last started with: {@code leaf-ag1-0=2.17.0/3fa1c2...,leaf-ag1-1=...}, kept as an
 * annotation of the pod template. A pod is made from the template, so its copy of the annotation says what it was
 * started with; with {@code OnDelete} a template change alone restarts nothing, so the pods that still carry the old
 * entry are exactly the ones core sees as stale. One annotation for the whole group, because a fingerprint is per
 * node (it covers the node's own addresses) and a template is per StatefulSet.
 */
public record NodeLaunches(Map<NodeId, Entry> entries) {
    public static final String ANNOTATION = "canopy.dev/launches";

    public record Entry(String release, String fingerprint) {
    }

    public NodeLaunches {
        entries = new TreeMap<>(entries);
    }

    public static NodeLaunches parse(String annotation) {
        Map<NodeId, Entry> entries = new TreeMap<>();
        if (annotation != null && !annotation.isBlank()) {
            for (String item : annotation.split(",")) {
                int eq = item.indexOf('=');
                int slash = item.lastIndexOf('/');
                if (eq < 0 || slash < eq) {
                    throw new IllegalArgumentException("not a node launch entry: '" + item + "' in " + ANNOTATION);
                }
                entries.put(NodeId.parse(item.substring(0, eq).strip()),
                        new Entry(item.substring(eq + 1, slash), item.substring(slash + 1)));
            }
        }
        return new NodeLaunches(entries);
    }

    public Optional<Entry> of(NodeId node) {
        return Optional.ofNullable(entries.get(node));
    }

    public NodeLaunches with(NodeId node, String release, String fingerprint) {
        Map<NodeId, Entry> changed = new TreeMap<>(entries);
        changed.put(node, new Entry(release, fingerprint));
        return new NodeLaunches(changed);
    }

    public String format() {
        StringBuilder out = new StringBuilder();
        entries.forEach((node, entry) -> out.append(out.isEmpty() ? "" : ",").append(node.name()).append('=')
                .append(entry.release()).append('/').append(entry.fingerprint()));
        return out.toString();
    }
}

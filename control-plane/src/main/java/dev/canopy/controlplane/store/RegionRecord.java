package dev.canopy.controlplane.store;

import java.time.Instant;

/** A registered Kubernetes region: where to reach it (the kubeconfig's content and a context in it) and its namespace. */
public record RegionRecord(String name, String kind, String kubeconfig, String context, String namespace, Instant createdAt) {

    /** Never the kubeconfig: it holds credentials. */
    @Override
    public String toString() {
        return "RegionRecord[" + name + ", " + kind + ", context " + context + ", namespace " + namespace + "]";
    }
}

package dev.canopy.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** The custom resource: a distributed SQL database cluster of aggregators and leaves in two availability groups. */
@Group(DatabaseCluster.GROUP)
@Version(DatabaseCluster.VERSION)
@Kind(DatabaseCluster.KIND)
@Plural("databaseclusters")
@ShortNames("dbc")
@AdditionalPrinterColumn(name = "Aggregators", jsonPath = ".spec.aggregators.count", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Leaves", jsonPath = ".spec.leaves.count", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Redundancy", jsonPath = ".spec.redundancyLevel", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Release", jsonPath = ".spec.release")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DatabaseCluster extends CustomResource<DatabaseClusterSpec, DatabaseClusterStatus> implements Namespaced {
    public static final String GROUP = "canopy.dev";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "DatabaseCluster";
    public static final String API_VERSION = GROUP + "/" + VERSION;
}

package dev.canopy.api;

/**
 * How a DatabaseCluster's backups are asked for and read on Kubernetes, between the control plane (or a user with
 * kubectl) and the operator: annotations on the DatabaseCluster, and the ConfigMap in which the operator keeps the
 * record of every backup it ran and the state of the cluster's restore.
 */
public final class KubernetesBackups {
    /** A new value (any: the time it was asked, say) asks for one backup now. */
    public static final String REQUEST_ANNOTATION = "canopy.dev/backup-requested";
    /**
     * The backup a new cluster starts from, as JSON: {@code {"backup": "<id>", "destination": {"s3": {...}}}}. Read when
     * the cluster is first provisioned; changing it later restores nothing.
     */
    public static final String RESTORE_FROM_ANNOTATION = "canopy.dev/restore-from";
    /** Each backup's record in the catalog ConfigMap: key {@code <id>.backup.json}, the record as JSON. */
    public static final String RECORD_KEY_SUFFIX = ".backup.json";
    /** The cluster's restore in the catalog ConfigMap: its source, stage and reason, as JSON. */
    public static final String RESTORE_KEY = "restore.json";
    /** The value of {@link #REQUEST_ANNOTATION} last acted on. */
    public static final String REQUEST_HANDLED_KEY = "request-handled";
    /** The keys of a secret holding S3 credentials, named by {@code spec.backup.destination.s3.credentialsSecret}. */
    public static final String ACCESS_KEY_ID = "accessKeyId";
    public static final String SECRET_ACCESS_KEY = "secretAccessKey";

    private KubernetesBackups() {
    }

    /** The ConfigMap the operator keeps the cluster's backup records in, owned by the cluster. */
    public static String catalog(String cluster) {
        return cluster + "-backups";
    }

    /**
     * Only S3 reaches every pod and the operator alike: a directory would be on one machine. And with keys of the
     * cluster's own namespace: without them the operator would write with its own identity (the environment's AWS
     * credentials), to any bucket it may reach, for whoever may create a cluster.
     */
    public static java.util.Optional<String> destinationProblem(BackupSpec backup) {
        if (backup == null) {
            return java.util.Optional.empty();
        }
        if (backup.destination() == null || backup.destination().s3() == null) {
            return java.util.Optional.of("spec.backup.destination: a Kubernetes region keeps backups in S3-compatible object"
                    + " storage: give destination.s3 (bucket, endpoint unless AWS's, and credentialsSecret)");
        }
        if (backup.destination().s3().credentialsSecret() == null) {
            return java.util.Optional.of("spec.backup.destination.s3.credentialsSecret: is required on a Kubernetes region: the"
                    + " name of a Secret of the cluster's namespace with keys " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY
                    + " (the operator's own credentials are never used for a cluster's backups)");
        }
        return java.util.Optional.empty();
    }
}

package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.core.Causes;
import dev.canopy.core.Engine;
import dev.canopy.core.Snapshots;
import dev.canopy.operator.backup.NoSnapshots;
import dev.canopy.operator.backup.OperatorBackups;
import dev.canopy.runtime.kubernetes.Applier;
import dev.canopy.runtime.kubernetes.NodeStatefulSet;
import dev.canopy.runtime.kubernetes.LeafFiles;
import dev.canopy.runtime.kubernetes.PodFiles;
import java.util.function.Function;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.engine.ignite.IgniteEngine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** The operator's process: JOSDK with Canopy's reconciler, leader election, metrics and health endpoints. */
public final class CanopyOperator {
    private static final Logger LOG = LoggerFactory.getLogger(CanopyOperator.class);
    /** Long enough for a pass that is taking a step (an admin call, a pod deletion) to finish. */
    static final Duration GRACEFUL_SHUTDOWN = Duration.ofSeconds(30);
    /** The longest a leaf's snapshot may take to come out of or go into its pod. */
    static final Duration BACKUP_COPY_TIMEOUT = Duration.ofHours(1);

    private CanopyOperator() {
    }

    /**
     * An operator, not started. The primary resource's status is patched with server-side apply only when the
     * runtime uses it too: both need an API server that can apply.
     */
    public static Operator create(KubernetesClient client, OperatorSettings settings, Engine engine, MeterRegistry registry,
                                  Clock clock, PlannerPolicy policy) {
        return create(client, settings, engine, registry, clock, policy, LeadershipExit.ofProcess(settings.exitWhenNoLongerLeader()));
    }

    /** The same, with what losing the Lease does. */
    static Operator create(KubernetesClient client, OperatorSettings settings, Engine engine, MeterRegistry registry,
                           Clock clock, PlannerPolicy policy, LeadershipExit leadership) {
        return create(client, settings, engine, registry, clock, policy, leadership, podFiles(client, settings));
    }

    /** The same, with how the leaves' files are reached (a backup's snapshot, on their volumes), by namespace. */
    static Operator create(KubernetesClient client, OperatorSettings settings, Engine engine, MeterRegistry registry,
                           Clock clock, PlannerPolicy policy, LeadershipExit leadership, Function<String, LeafFiles> leafFiles) {
        return create(client, settings, engine, registry, clock, policy, leadership,
                backups(client, settings, engine, clock, leafFiles));
    }

    /** A leaf's files, reached in its pod. */
    static Function<String, LeafFiles> podFiles(KubernetesClient client, OperatorSettings settings) {
        return namespace -> new PodFiles(client, namespace, NodeStatefulSet.CONTAINER, settings.backupScratch().resolve("transfer"),
                BACKUP_COPY_TIMEOUT);
    }

    /** The backups of every cluster, on a worker thread of their own: whoever makes them closes them. */
    static OperatorBackups backups(KubernetesClient client, OperatorSettings settings, Engine engine, Clock clock,
                                   Function<String, LeafFiles> leafFiles) {
        return backups(client, settings, NamespaceEngines.sharing(client, clock, engine), leafFiles);
    }

    /** The same, with each namespace's engine (which logs in with its clusters' Secrets). */
    static OperatorBackups backups(KubernetesClient client, OperatorSettings settings, NamespaceEngines engines,
                                   Function<String, LeafFiles> leafFiles) {
        return new OperatorBackups(client, new Applier(client, settings.runtime().serverSideApply()),
                namespace -> engines.engine(namespace) instanceof Snapshots snapshots ? snapshots : NoSnapshots.INSTANCE,
                leafFiles, engines.clock(), settings.backupScratch());
    }

    /** The same, with the backups it takes and restores. */
    static Operator create(KubernetesClient client, OperatorSettings settings, Engine engine, MeterRegistry registry,
                           Clock clock, PlannerPolicy policy, LeadershipExit leadership, OperatorBackups backups) {
        return create(client, settings, NamespaceEngines.sharing(client, clock, engine), registry, policy, leadership, backups);
    }

    /** An operator with each namespace's engine, its leaves' files reached in their pods. */
    static Operator create(KubernetesClient client, OperatorSettings settings, NamespaceEngines engines, MeterRegistry registry,
                           PlannerPolicy policy) {
        return create(client, settings, engines, registry, policy, LeadershipExit.ofProcess(settings.exitWhenNoLongerLeader()),
                backups(client, settings, engines, podFiles(client, settings)));
    }

    /** The same, with what losing the Lease does and the backups it takes and restores. */
    static Operator create(KubernetesClient client, OperatorSettings settings, NamespaceEngines engines, MeterRegistry registry,
                           PlannerPolicy policy, LeadershipExit leadership, OperatorBackups backups) {
        Clock clock = engines.clock();
        String instance = settings.identity();
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withMetrics(josdkMetrics(registry))
                    .withUseSSAToPatchPrimaryResource(settings.runtime().serverSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(settings.runtime().serverSideApply())
                    .withReconciliationTerminationTimeout(GRACEFUL_SHUTDOWN)
                    .withCloseClientOnStop(false);
            if (settings.leaderElection()) {
                Duration lease = settings.leaseDuration();
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(settings.leaseName(),
                        settings.leaseNamespace(), lease, lease.multipliedBy(2).dividedBy(3), lease.dividedBy(7),
                        instance, leadership.callbacks(), false));
            }
        });
        operator.register(new DatabaseClusterReconciler(client, settings.runtime(), engines, clock, policy, registry, instance, backups),
                c -> {
                    if (settings.watchNamespaces().isEmpty()) {
                        c.watchingAllNamespaces();
                    } else {
                        c.settingNamespaces(settings.watchNamespaces());
                    }
                });
        return operator;
    }

    /**
     * JOSDK's series (operator_sdk_reconciliations_*), without a series per resource: a cluster's own are
     * canopy_cluster_phase's, which go with it when it is deleted.
     */
    static MicrometerMetrics josdkMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    /** Started, and its informers healthy. */
    static boolean ready(Operator operator) {
        return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    public static void main(String[] args) {
        OperatorSettings settings;
        try {
            settings = OperatorSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("the operator could not start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KubernetesClient client;
        try {
            client = client(settings.kubeContext());
        } catch (RuntimeException e) {
            exit(e.getMessage(), e);
            return;
        }
        LOG.info("Kubernetes API server {}{}: namespaces {}, leader election {}", client.getConfiguration().getMasterUrl(),
                settings.kubeContext() == null ? "" : " (context " + settings.kubeContext() + ")",
                settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
                settings.leaderElection() ? "on (Lease " + settings.leaseNamespace() + "/" + settings.leaseName() + ")" : "off");
        try {
            checkApiServer(client, settings.watchNamespaces());
        } catch (IllegalStateException e) {
            exit(e.getMessage(), e);
            return;
        }
        // admin calls reach the leaves at their pods' DNS names: in a pod, or where the cluster's names resolve; they log
        // in with each cluster's admin Secret
        Clock clock = Clock.systemUTC();
        NamespaceEngines engines = new NamespaceEngines(client, clock, IgniteEngine::kubernetes);
        LeadershipExit leadership = LeadershipExit.ofProcess(settings.exitWhenNoLongerLeader());
        OperatorBackups backups = backups(client, settings, engines, podFiles(client, settings));
        Operator operator = create(client, settings, engines, registry, PlannerPolicy.DEFAULTS, leadership, backups);
        HttpEndpoints http;
        try {
            http = new HttpEndpoints(settings.httpAddress(), settings.httpPort(), registry, () -> ready(operator)).start();
        } catch (RuntimeException e) {
            exit(e.getMessage(), e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: finishing the passes in progress (at most {} s)", GRACEFUL_SHUTDOWN.toSeconds());
            leadership.shuttingDown();
            operator.stop();
            // after the passes (they start backups), before the client (a backup in progress uses it)
            backups.close();
            http.close();
            client.close();
        }, "canopy-operator-shutdown"));
        try {
            operator.start();
        } catch (RuntimeException e) {
            // the HTTP server would keep the process alive, not ready for ever: exit, and let Kubernetes restart it
            exit(reason(e), e);
        }
        LOG.info("Canopy operator started: /metrics, /healthz and /readyz on {}", http.url());
    }

    /** From the kubeconfig ($KUBECONFIG, ~/.kube/config) at the given context or its current one; in a pod, its service account. */
    static KubernetesClient client(String context) {
        KubernetesClientBuilder builder = new KubernetesClientBuilder();
        if (context != null) {
            Config config = Config.autoConfigure(context);
            if (config.getCurrentContext() == null || !context.equals(config.getCurrentContext().getName())) {
                throw new IllegalArgumentException("the kubeconfig has no context '" + context + "'");
            }
            builder.withConfig(config);
        }
        return builder.build();
    }

    /**
     * Lists DatabaseClusters once, as the informers will: one sentence, rather than their stack traces, when the API
     * server cannot be reached, refuses the credentials or the list, or has no DatabaseCluster resource (CRD).
     */
    static void checkApiServer(KubernetesClient client, Set<String> namespaces) {
        String server = client.getConfiguration().getMasterUrl();
        ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
        try {
            if (namespaces.isEmpty()) {
                client.resources(DatabaseCluster.class).inAnyNamespace().list(one);
            } else {
                for (String namespace : namespaces) {
                    client.resources(DatabaseCluster.class).inNamespace(namespace).list(one);
                }
            }
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(apiServerProblem(server, e), e);
        }
    }

    static String apiServerProblem(String server, KubernetesClientException e) {
        String said = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        return switch (e.getCode()) {
            case 401 -> "the Kubernetes API server at " + server + " does not accept the kubeconfig's credentials (401 Unauthorized)";
            case 403 -> "the Kubernetes API server at " + server + " refuses: " + said;
            case 404 -> "the Kubernetes API server at " + server + " has no DatabaseCluster resource ("
                    + HasMetadata.getPlural(DatabaseCluster.class) + "." + HasMetadata.getGroup(DatabaseCluster.class) + "/"
                    + HasMetadata.getVersion(DatabaseCluster.class) + "): install its CRD first, "
                    + "e.g. kubectl apply --server-side -f deploy/helm/canopy-operator/crds/";
            default -> e.getCode() > 0
                    ? "the Kubernetes API server at " + server + " answers " + e.getCode() + ": " + said
                    : "cannot reach the Kubernetes API server at " + server + ": " + firstMessage(e.getCause() == null ? e : e.getCause());
        };
    }

    /** The first message along the chain of causes; a refused or failed connection often has none. */
    private static String firstMessage(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
            if (t instanceof ConnectException) {
                return "no connection (" + t.getClass().getSimpleName() + ")";
            }
            deepest = t;
        }
        return deepest.getClass().getSimpleName();
    }

    /** One line that says why; the stack trace at debug level, for whoever needs it. */
    private static void exit(String reason, RuntimeException e) {
        LOG.error("the operator could not start: {}", reason);
        LOG.debug("the operator could not start", e);
        System.exit(1);
    }

    /** The outermost message and the innermost, when they differ: what failed and why, without the wrappers between. */
    static String reason(Throwable e) {
        String outer = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String root = Causes.rootMessage(e);
        return outer.contains(root) ? outer : outer + ": " + root;
    }
}

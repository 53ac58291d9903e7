package dev.canopy.operator;

import dev.canopy.core.Engine;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.engine.ignite.IgniteEngine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/** The operator's process: JOSDK with Canopy's reconciler, leader election, metrics and health endpoints. */
public final class CanopyOperator {
    private static final Logger LOG = LoggerFactory.getLogger(CanopyOperator.class);
    /** Long enough for a pass that is taking a step (an admin call, a pod deletion) to finish. */
    static final Duration GRACEFUL_SHUTDOWN = Duration.ofSeconds(30);

    private CanopyOperator() {
    }

    /**
     * An operator, not started. The primary resource's status is patched with server-side apply only when the
     * runtime uses it too: both need an API server that can apply.
     */
    public static Operator create(KubernetesClient client, OperatorSettings settings, Engine engine, MeterRegistry registry,
                                  Clock clock, PlannerPolicy policy) {
        String instance = settings.identity();
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withUseSSAToPatchPrimaryResource(settings.runtime().serverSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(settings.runtime().serverSideApply())
                    .withReconciliationTerminationTimeout(GRACEFUL_SHUTDOWN)
                    .withCloseClientOnStop(false);
            if (settings.leaderElection()) {
                Duration lease = settings.leaseDuration();
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(settings.leaseName(),
                        settings.leaseNamespace(), lease, lease.multipliedBy(2).dividedBy(3), lease.dividedBy(7),
                        instance, null, settings.exitWhenNoLongerLeader()));
            }
        });
        operator.register(new DatabaseClusterReconciler(client, settings.runtime(), engine, clock, policy, registry, instance),
                c -> {
                    if (settings.watchNamespaces().isEmpty()) {
                        c.watchingAllNamespaces();
                    } else {
                        c.settingNamespaces(settings.watchNamespaces());
                    }
                });
        return operator;
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
        KubernetesClient client = new KubernetesClientBuilder().build();
        // admin calls reach the leaves at their pods' DNS names: the operator runs inside the cluster
        Engine engine = IgniteEngine.kubernetes();
        Operator operator = create(client, settings, engine, registry, Clock.systemUTC(), PlannerPolicy.DEFAULTS);
        HttpEndpoints http = new HttpEndpoints(settings.httpAddress(), settings.httpPort(), registry, () -> ready(operator)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: finishing the passes in progress (at most {} s)", GRACEFUL_SHUTDOWN.toSeconds());
            operator.stop();
            http.close();
            client.close();
        }, "canopy-operator-shutdown"));
        try {
            operator.start();
        } catch (RuntimeException e) {
            // the HTTP server would keep the process alive, not ready for ever: exit, and let Kubernetes restart it
            LOG.error("the operator could not start: {}", e.getMessage(), e);
            System.exit(1);
        }
        LOG.info("Canopy operator started: namespaces {}, leader election {}, /metrics, /healthz and /readyz on {}",
                settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(), settings.leaderElection(), http.url());
    }
}

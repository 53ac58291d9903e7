package dev.canopy.node;

import org.apache.ignite.Ignition;
import org.apache.ignite.binary.BinaryObject;
import org.apache.ignite.binary.BinaryType;
import org.apache.ignite.cdc.CdcCacheEvent;
import org.apache.ignite.cdc.CdcConsumer;
import org.apache.ignite.cdc.CdcEvent;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.internal.binary.BinaryContext;
import org.apache.ignite.internal.binary.BinaryTypeImpl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Canopy's change-data-capture consumer: applies the changes a leaf's CDC process reads from the leaf's write-ahead
 * log to a target cluster, through Ignite's thin client, keeping keys and values as binary objects. The thin client
 * is what lets a source of one engine version feed a target of another (a thick client's join would be refused).
 *
 * <p>Only primary copies are applied ({@link CdcEvent#primary()}): each leaf's CDC process sees its backups' changes
 * too, which another leaf's process applies as that partition's primary.
 *
 * <p><b>Ordering.</b> Changes are applied with plain put and remove, in the order the WAL holds them, and within one
 * chunk only a key's last change is sent. That is exact as long as each key's changes come from one CDC process, in
 * order: true while the partition's primary stays on one leaf (a stable topology, as in the tested cases). When a
 * primary moves (a leaf restarts, a rebalance) two processes may hold changes to the same key, and the one that
 * applies last wins even if its change is older. What is left: apply with the entry's version
 * ({@code TcpClientCache.putAllConflict}/{@code removeAllConflict}, both in 2.16 and 2.17) and a
 * {@code CacheVersionConflictResolver} on the target's leaves that keeps the newer version. The versions alone do not
 * order anything: on a 2.17 node without a resolver, {@code putAllConflict} of version order 100 after one of 200
 * left the older value, in atomic and in transactional caches alike (measured).
 *
 * <p><b>Lag.</b> The platform writes the time into {@link #HEARTBEAT_CACHE} on the source every so often; when its
 * change is applied here, the difference to now is one lag sample (source and target on one clock: the same machine,
 * or clocks kept by NTP). The last sample is the metric {@code LagMs} of the CDC process's registry, and the state
 * file holds the recent samples, progress and counts for the platform to read.
 *
 * <p>Built against ignite-core {@code provided}, it runs on the release's own jars: the interface's {@code start}
 * takes a metric registry whose type moved between 2.16 ({@code internal.processors.metric.MetricRegistry}) and
 * 2.17 ({@code metric.MetricRegistry}), so the consumer is a dynamic proxy of whichever {@link CdcConsumer} the
 * process runs with, and the registry is called by reflection.
 */
public final class ThinClientCdcConsumer implements InvocationHandler {
    /** A cache of heartbeats (key: a slot, value: the millisecond time it was written on the source). */
    public static final String HEARTBEAT_CACHE = "canopy.heartbeat";
    /** Recent lag samples kept in the state file. */
    static final int SAMPLES = 512;
    private static final int APPLY_ATTEMPTS = 5;
    /**
     * Changes taken from the WAL per call, applied and committed together, and all a retry repeats: a twentieth of the
     * 39,657 whose putAll outlasted the client's 10 s timeout under load (ThinClientCdcConsumerChunksTest applies 10,123
     * small rows in six such calls in about 2 s, the node's start included).
     */
    static final int CHUNK = 2_000;
    private static final long STATE_WRITE_INTERVAL_MS = 200;

    private final String[] addresses;
    private final Path stateFile;
    /** The file holding the target's login ({@code user}, {@code password}), read at each connect; null: none. */
    private final Path loginFile;
    /** The trust store holding the target's certificate authority; null: the target takes plain text. */
    private final String trustStore;
    private final String trustStorePassword;
    private final Map<Integer, String> cacheNames = new HashMap<>();
    private final Set<Integer> warnedMissing = new HashSet<>();
    private final ArrayDeque<Long> samples = new ArrayDeque<>();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong lastLagMs = new AtomicLong(-1);
    private final AtomicLong lastAppliedAt = new AtomicLong();
    /** The newest heartbeat applied: the target holds this leaf's changes up to that time on the source. */
    private final AtomicLong replicatedUpTo = new AtomicLong();
    private long stateWrittenAt;
    private IgniteClient client;

    ThinClientCdcConsumer(String addresses, String stateFile, String loginFile) {
        this(addresses, stateFile, loginFile, "", "");
    }

    ThinClientCdcConsumer(String addresses, String stateFile, String loginFile, String trustStore, String trustStorePassword) {
        this.addresses = Arrays.stream(addresses.split(",")).map(String::strip).filter(a -> !a.isEmpty()).toArray(String[]::new);
        if (this.addresses.length == 0) {
            throw new IllegalArgumentException("no target address");
        }
        this.stateFile = Path.of(stateFile);
        this.loginFile = loginFile == null || loginFile.isEmpty() ? null : Path.of(loginFile);
        this.trustStore = trustStore == null || trustStore.isEmpty() ? null : trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    /**
     * The consumer, for the {@code CdcConfiguration} bean of the CDC process's Spring XML.
     *
     * @param addresses host:port of the target's thin-client listeners, comma-separated
     * @param stateFile the file the consumer keeps its progress and lag in
     */
    public static CdcConsumer create(String addresses, String stateFile) {
        return create(addresses, stateFile, "");
    }

    /**
     * The same, logging in to a target whose authentication is on.
     *
     * @param loginFile the file holding the target's login as {@code user} and {@code password} properties (the
     *                  platform's admin secret of the target, readable by the platform's user only), so that the
     *                  password is in neither the process's command line nor its configuration; empty: no login
     */
    public static CdcConsumer create(String addresses, String stateFile, String loginFile) {
        return create(addresses, stateFile, loginFile, "", "");
    }

    /**
     * The same, to a target that takes clients over TLS only.
     *
     * @param trustStore         a PKCS12 trust store holding the target's certificate authority (nothing secret); empty:
     *                           plain text
     * @param trustStorePassword its password
     */
    public static CdcConsumer create(String addresses, String stateFile, String loginFile, String trustStore, String trustStorePassword) {
        return (CdcConsumer) Proxy.newProxyInstance(CdcConsumer.class.getClassLoader(), new Class<?>[]{CdcConsumer.class},
                new ThinClientCdcConsumer(addresses, stateFile, loginFile, trustStore, trustStorePassword));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "start":
                start(args[0]);
                return null;
            case "onEvents":
                return onEvents((Iterator<CdcEvent>) args[0]);
            case "onTypes":
                onTypes((Iterator<BinaryType>) args[0]);
                return null;
            case "onCacheChange":
                ((Iterator<CdcCacheEvent>) args[0]).forEachRemaining(e -> cacheNames.put(e.cacheId(), e.configuration().getName()));
                return null;
            case "onMappings":
            case "onCacheDestroy":
                // class-name mappings matter to Java objects, not to SQL rows; a destroyed cache is not destroyed on
                // the target (a table dropped on the source stays on a replica until it is dropped there)
                ((Iterator<?>) args[0]).forEachRemaining(ignored -> { });
                return null;
            case "stop":
                stop();
                return null;
            case "alive":
                return true;
            case "toString":
                return "ThinClientCdcConsumer" + Arrays.toString(addresses);
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            default:
                throw new UnsupportedOperationException(method.toString());
        }
    }

    private void start(Object registry) {
        register(registry, "LagMs", lastLagMs::get, "Last replication lag measured from a heartbeat, in ms (-1 before the first)");
        register(registry, "AppliedEvents", applied::get, "Changes applied to the target");
        register(registry, "SkippedEvents", skipped::get, "Changes of caches the target does not have, not applied");
        register(registry, "LastAppliedTime", lastAppliedAt::get, "When a batch was last applied, epoch ms");
        register(registry, "ReplicatedUpTo", replicatedUpTo::get, "Source time of the newest heartbeat applied, epoch ms");
        // a restarted process resumes after its last committed batch: what the target held then, it still holds
        replicatedUpTo.set(previousReplicatedUpTo());
        connect();
        log("applying primary changes to " + String.join(",", addresses) + "; state in " + stateFile);
        writeState(true);
    }

    private long previousReplicatedUpTo() {
        try {
            if (Files.exists(stateFile)) {
                java.util.Properties state = new java.util.Properties();
                state.load(new java.io.StringReader(Files.readString(stateFile)));
                return Long.parseLong(state.getProperty("replicatedUpTo", "0"));
            }
        } catch (IOException | RuntimeException e) {
            log("previous state not read: " + e);
        }
        return 0;
    }

    /** {@code register(String, LongSupplier, String)} exists on the registry of 2.16 and of 2.17, under other types. */
    private static void register(Object registry, String name, LongSupplier value, String description) {
        try {
            registry.getClass().getMethod("register", String.class, LongSupplier.class, String.class)
                    .invoke(registry, name, value, description);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log("metric " + name + " not registered: " + e);
        }
    }

    private void connect() {
        closeClient();
        ClientConfiguration config = new ClientConfiguration().setAddresses(addresses).setTimeout(10_000);
        if (trustStore != null) {
            config.setSslMode(org.apache.ignite.client.SslMode.REQUIRED).setSslTrustCertificateKeyStorePath(trustStore)
                    .setSslTrustCertificateKeyStorePassword(trustStorePassword).setSslTrustCertificateKeyStoreType("PKCS12")
                    // the thin client wants a key store even when the target asks for no certificate: one with no key
                    .setSslClientCertificateKeyStorePath(trustStore).setSslClientCertificateKeyStorePassword(trustStorePassword)
                    .setSslClientCertificateKeyStoreType("PKCS12");
        }
        if (loginFile != null) {
            // read at each connect: a login kept again (a new secret) is used from the next reconnect on
            java.util.Properties login = new java.util.Properties();
            try {
                login.load(new java.io.StringReader(new String(Files.readAllBytes(loginFile), java.nio.charset.StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the target's login from " + loginFile, e);
            }
            config.setUserName(login.getProperty("user")).setUserPassword(login.getProperty("password"));
        }
        client = Ignition.startClient(config);
        for (String name : client.cacheNames()) {
            // a cache's ID is its name's hash code: it maps the target's caches before the first cache event
            cacheNames.putIfAbsent(name.hashCode(), name);
        }
    }

    /**
     * Applies the next chunk of changes, at most {@link #CHUNK} of them, and returns {@code true}: the CDC process then
     * commits its position (the WAL pointer and the entry's index within its record) and calls again with the rest
     * while there is any (Ignite's {@code CdcMain.consumeSegmentActively}). Taking the whole iterator at once made one
     * call of a WAL segment's worth of changes (39,657 with 441k rows under load), whose putAll outlasted the thin
     * client's timeout in every attempt, so the process restarted from the same position and never got past it.
     *
     * <p>{@code hasNext} is not called once the chunk is full: Ignite's filtering iterator reads the next entry ahead
     * in {@code hasNext}, which would move the committed position past a change this call did not apply.
     */
    private boolean onEvents(Iterator<CdcEvent> events) {
        // per cache, each key's last change in this chunk (null value: removed), in WAL order
        Map<Integer, LinkedHashMap<Object, Object>> changes = new LinkedHashMap<>();
        int count = 0;
        int taken = 0;
        while (taken < CHUNK && events.hasNext()) {
            CdcEvent event = events.next();
            taken++;
            if (!event.primary()) {
                continue;
            }
            LinkedHashMap<Object, Object> cache = changes.computeIfAbsent(event.cacheId(), id -> new LinkedHashMap<>());
            cache.remove(event.key());
            cache.put(event.key(), event.value());
            count++;
        }
        if (count == 0) {
            return true;
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= APPLY_ATTEMPTS; attempt++) {
            try {
                apply(changes);
                last = null;
                break;
            } catch (RuntimeException e) {
                last = e;
                log("applying " + count + " changes failed (attempt " + attempt + " of " + APPLY_ATTEMPTS + "): " + e);
                pause(200L * attempt);
                try {
                    connect();
                } catch (RuntimeException again) {
                    log("reconnecting to the target failed: " + again);
                }
            }
        }
        if (last != null) {
            // the CDC process stops; its supervisor restarts it, and it resumes from the last committed batch
            throw last;
        }
        long now = System.currentTimeMillis();
        lastAppliedAt.set(now);
        applied.addAndGet(count);
        changes.forEach((cacheId, entries) -> {
            if (HEARTBEAT_CACHE.equals(cacheNames.get(cacheId))) {
                entries.values().stream().filter(v -> v instanceof Long).forEach(at -> {
                    sample(now - (Long) at);
                    replicatedUpTo.accumulateAndGet((Long) at, Math::max);
                });
            }
        });
        writeState(false);
        return true;
    }

    private void apply(Map<Integer, LinkedHashMap<Object, Object>> changes) {
        for (Map.Entry<Integer, LinkedHashMap<Object, Object>> entry : changes.entrySet()) {
            String name = cacheNames.get(entry.getKey());
            if (name == null && entry.getKey() == HEARTBEAT_CACHE.hashCode()) {
                name = HEARTBEAT_CACHE;
                cacheNames.put(entry.getKey(), name);
            }
            if (HEARTBEAT_CACHE.equals(name) && !knownOnTarget(name)) {
                // the only cache created here: it has no SQL schema, and the target's template (canopy*) lays it out
                client.getOrCreateCache(name);
                targetCaches.add(name);
            }
            if (name == null || !knownOnTarget(name)) {
                skipped.addAndGet(entry.getValue().size());
                if (warnedMissing.add(entry.getKey())) {
                    log("cache " + (name == null ? "#" + entry.getKey() : name) + " is not on the target: its changes are"
                            + " skipped (copy the table to the target first)");
                }
                continue;
            }
            ClientCache<Object, Object> cache = client.cache(name).withKeepBinary();
            Map<Object, Object> puts = new LinkedHashMap<>();
            Set<Object> removes = new HashSet<>();
            entry.getValue().forEach((key, value) -> {
                if (value == null) {
                    removes.add(key);
                } else {
                    puts.put(key, value);
                }
            });
            if (!puts.isEmpty()) {
                cache.putAll(puts);
            }
            if (!removes.isEmpty()) {
                cache.removeAll(removes);
            }
        }
    }

    private final Set<String> targetCaches = new HashSet<>();

    private boolean knownOnTarget(String name) {
        if (targetCaches.contains(name)) {
            return true;
        }
        targetCaches.clear();
        targetCaches.addAll(client.cacheNames());
        return targetCaches.contains(name);
    }

    /**
     * Registers the binary types of the source on the target, so that a row of a type the target has not seen yet is
     * readable there (a table restored from a snapshot brings its types; a column added later does not).
     */
    private void onTypes(Iterator<BinaryType> types) {
        while (types.hasNext()) {
            BinaryType type = types.next();
            try {
                Method contextOf = client.binary().getClass().getMethod("binaryContext");
                contextOf.setAccessible(true);
                BinaryContext context = (BinaryContext) contextOf.invoke(client.binary());
                context.updateMetadata(type.typeId(), ((BinaryTypeImpl) type).metadata(), false);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log("binary type " + type.typeName() + " not registered on the target: " + e);
            }
        }
    }

    private void sample(long lagMs) {
        long lag = Math.max(0, lagMs);
        lastLagMs.set(lag);
        synchronized (samples) {
            samples.addLast(lag);
            while (samples.size() > SAMPLES) {
                samples.removeFirst();
            }
        }
    }

    /** Atomically replaces the state file: at most every 200 ms unless forced. */
    private void writeState(boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - stateWrittenAt < STATE_WRITE_INTERVAL_MS) {
            return;
        }
        stateWrittenAt = now;
        List<Long> recent;
        synchronized (samples) {
            recent = new ArrayList<>(samples);
        }
        String text = "# written by " + ThinClientCdcConsumer.class.getName() + "\n"
                + "target=" + String.join(",", addresses) + "\n"
                + "writtenAt=" + now + "\n"
                + "lastAppliedAt=" + lastAppliedAt.get() + "\n"
                + "appliedEvents=" + applied.get() + "\n"
                + "skippedEvents=" + skipped.get() + "\n"
                + "lagMs=" + lastLagMs.get() + "\n"
                + "replicatedUpTo=" + replicatedUpTo.get() + "\n"
                + "lagSamplesMs=" + recent.stream().map(String::valueOf).collect(Collectors.joining(",")) + "\n";
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile, e);
        }
    }

    private void stop() {
        try {
            writeState(true);
        } catch (RuntimeException e) {
            log("last state not written: " + e);
        }
        closeClient();
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                log("closing the target client: " + e);
            }
            client = null;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(String message) {
        System.err.println("canopy cdc: " + message);
    }
}

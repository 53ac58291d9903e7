package dev.canopy.runtime.local;

import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node's JVM and its supervisor: starts it, brings it back with a growing delay when it dies without being asked
 * to, and stops it gracefully (SIGTERM: the engine's shutdown hook), then by force after a timeout. A node either ends
 * with the runtime that started it (it watches its standard input, which the runtime holds open) or outlives it, and is
 * then adopted by the next runtime on the same directory ({@link #adopt}), running on, not restarted.
 */
final class NodeProcess {
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
    /** Set to {@code stdin} on a node that must stop when its runtime goes (read by the node launcher). */
    static final String SUPERVISOR_PROPERTY = "canopy.supervisor";
    static final String LOG_FILE = "node.log";
    static final String PID_FILE = "node.pid";
    /** What the running process was started with (fingerprint and release): how a later runtime adopts it. */
    static final String RUNNING_FILE = "running.json";
    /** Written by the node once it has started (see {@code NodeLauncher.STARTED_FILE_PROPERTY}). */
    static final String STARTED_FILE = "started";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final File NO_INPUT = new File("/dev/null");
    /** Where the engine keeps a leaf's data, under its work directory. */
    static final String STORAGE_DIR = "db";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE = Duration.ofSeconds(60);
    /** A walk of a leaf's storage per pass would be thousands of files every few seconds; this is often enough. */
    private static final Duration MEASURE_EVERY = Duration.ofSeconds(10);

    private final String cluster;
    /** How logs and the process's command line name it: the node's name, or {@code <leaf>.cdc} for a capture. */
    private final String name;
    /** A leaf's node holds storage; a capture beside a leaf does not (it reads the leaf's). */
    private final boolean holdsStorage;
    private final Path workDirectory;
    private final ReleaseCatalog releases;
    private final ScheduledExecutorService scheduler;
    private final NodeLifetime lifetime;

    /** The launch to start it with; null for a node adopted from an earlier runtime until it is asked to start. */
    private NodeLaunch launch;
    /** The fingerprint and release of the running process (from {@link #launch}, or from the adopted node's file). */
    private Running running;
    /** The node's process: a child of this runtime, or one adopted from an earlier runtime. */
    private ProcessHandle process;
    /** The same process while it is this runtime's child: its exit code, and the standard input a tied node watches. */
    private Process child;
    private boolean wanted;
    private boolean restarting;
    /** A leaf's storage existed at some point: from then on, its absence means it was lost, not not yet created. */
    private boolean storageSeen;
    private boolean storageLost;
    private boolean adoptedWithoutStartedFile;
    private int restarts;
    private Instant startedAt = Instant.EPOCH;
    private Duration backoff = Duration.ofSeconds(1);
    /** What the leaf's storage took when last measured, and when: measured at most every {@link #MEASURE_EVERY}. */
    private long storageBytes = -1;
    private Instant measuredAt = Instant.EPOCH;

    /** @param capture whether this is the change-data-capture process beside the leaf rather than the node */
    NodeProcess(String cluster, NodeId node, boolean capture, Path workDirectory, ReleaseCatalog releases,
                ScheduledExecutorService scheduler, NodeLifetime lifetime) {
        this.cluster = cluster;
        this.name = capture ? node.name() + ".cdc" : node.name();
        this.holdsStorage = node.isLeaf() && !capture;
        this.workDirectory = workDirectory;
        this.releases = releases;
        this.scheduler = scheduler;
        this.lifetime = lifetime;
    }

    /** What a running node was started with, kept beside its pid file. */
    record Running(String fingerprint, String release) {
    }

    synchronized NodeState state() {
        if (process != null && process.isAlive()) {
            boolean present = hasStorage();
            if (holdsStorage && storageSeen && !present) {
                // deleted under a running leaf: it would go on serving from files that are gone (a user saw Ready for
                // 108 s); stopped now, it is taken out of the baseline and refilled as when it died without storage
                LOG.error("{}/{}: its storage ({}) was deleted while it ran; stopping it: the reconciler takes it out of"
                        + " the baseline and starts it afresh", cluster, name, workDirectory.resolve(STORAGE_DIR));
                wanted = false;
                restarting = false;
                storageLost = true;
                kill(process);
                return NodeState.STORAGE_LOST;
            }
            storageSeen = storageSeen || present;
            return NodeState.RUNNING;
        }
        if (storageLost) {
            return NodeState.STORAGE_LOST;
        }
        return wanted && restarting ? NodeState.RESTARTING : NodeState.STOPPED;
    }

    synchronized String fingerprint() {
        return running == null ? null : running.fingerprint();
    }

    synchronized String runningRelease() {
        return running == null ? null : running.release();
    }

    /** The bytes the leaf's storage takes on disk (-1 for anything but a leaf's node, or before it has storage). */
    synchronized long storageBytes() {
        if (!holdsStorage || !hasStorage()) {
            return -1;
        }
        Instant now = Instant.now();
        if (Duration.between(measuredAt, now).compareTo(MEASURE_EVERY) >= 0) {
            storageBytes = sizeOf(workDirectory.resolve(STORAGE_DIR));
            measuredAt = now;
        }
        return storageBytes;
    }

    private static long sizeOf(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.mapToLong(f -> {
                try {
                    return Files.isRegularFile(f) ? Files.size(f) : 0;
                } catch (IOException e) {
                    return 0; // a file the engine removed meanwhile (a WAL segment archived)
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    synchronized int restarts() {
        return restarts;
    }

    /**
     * Running and done starting: the node wrote its started file (a node adopted from a platform before that file
     * counts as started: it had been serving).
     */
    synchronized boolean started() {
        return process != null && process.isAlive() && (adoptedWithoutStartedFile || Files.exists(workDirectory.resolve(STARTED_FILE)));
    }

    synchronized OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /**
     * Takes over a node that an earlier runtime started and that outlived it: it keeps running, and is restarted only
     * once asked to start with another launch. Returns false (and takes nothing over) when the pid is not this node's
     * process any more.
     */
    synchronized boolean adopt(ProcessHandle found) {
        if (!found.isAlive() || !isThisNode(found)) {
            return false;
        }
        Path file = workDirectory.resolve(RUNNING_FILE);
        try {
            running = JSON.readValue(file.toFile(), Running.class);
        } catch (IOException e) {
            LOG.warn("{}/{}: pid {} runs without a readable {} ({}): stopping it, it is started again as the spec says",
                    cluster, name, found.pid(), file, e.getMessage());
            kill(found);
            return false;
        }
        process = found;
        child = null;
        adoptedWithoutStartedFile = !isThisNodeMarkingStart(found);
        storageSeen = hasStorage();
        startedAt = found.info().startInstant().orElse(Instant.now());
        LOG.info("{}/{}: adopted, pid {}, release {}: it kept running while no platform supervised it", cluster, name,
                found.pid(), running.release());
        found.onExit().thenAccept(this::exited);
        return true;
    }

    private static boolean isThisNodeMarkingStart(ProcessHandle handle) {
        return handle.info().commandLine().map(c -> c.contains("-Dcanopy.startedFile=")).orElse(false);
    }

    /** The process's command line names this work directory: a recycled pid is some other program. */
    boolean isThisNode(ProcessHandle handle) {
        return handle.info().commandLine().map(c -> c.contains("-Dcanopy.node.dir=" + workDirectory + " ")).orElse(false);
    }

    /** Starts the node with this launch, unless it already runs with it. */
    synchronized void start(NodeLaunch newLaunch) {
        boolean alive = process != null && process.isAlive();
        if (alive && running != null && running.fingerprint().equals(newLaunch.fingerprint())) {
            // an adopted node learns its launch here: a later crash restarts it with it
            this.launch = newLaunch;
            this.wanted = true;
            return;
        }
        if (alive) {
            LOG.info("{}/{}: restarting with a new configuration ({} -> {})", cluster, name, fingerprint(), newLaunch.fingerprint());
            stopProcess(Duration.ofSeconds(60));
        }
        this.launch = newLaunch;
        this.wanted = true;
        this.storageLost = false;
        this.storageSeen = hasStorage();
        spawn();
    }

    private void spawn() {
        restarting = false;
        adoptedWithoutStartedFile = false;
        try {
            Files.createDirectories(workDirectory);
            for (var file : launch.files().entrySet()) {
                Files.writeString(workDirectory.resolve(file.getKey()), file.getValue());
            }
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(SETSID)) {
                // its own session: Ctrl-C in the platform's terminal reaches the platform only, which then stops the
                // nodes in order, rather than every node at once behind its back
                command.add(SETSID.toString());
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(launch.jvmOptions());
            if (lifetime == NodeLifetime.ENDS_WITH_RUNTIME) {
                command.add("-D" + SUPERVISOR_PROPERTY + "=stdin");
            }
            command.add("-Dcanopy.node=" + cluster + "/" + name);
            // lets a later runtime recognise this process as a node of this directory (see #isThisNode)
            command.add("-Dcanopy.node.dir=" + workDirectory);
            Files.deleteIfExists(workDirectory.resolve(STARTED_FILE));
            command.add("-Dcanopy.startedFile=" + workDirectory.resolve(STARTED_FILE));
            command.add("-cp");
            command.add(releases.classpath(launch.release()));
            command.add("dev.canopy.node.NodeLauncher");
            command.addAll(launch.arguments());
            Path log = workDirectory.resolve(LOG_FILE);
            child = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    // a tied node ends when this runtime's end of the pipe closes; one that outlives it reads nothing
                    .redirectInput(lifetime == NodeLifetime.ENDS_WITH_RUNTIME ? ProcessBuilder.Redirect.PIPE
                            : ProcessBuilder.Redirect.from(NO_INPUT))
                    .start();
            process = child.toHandle();
            running = new Running(launch.fingerprint(), launch.release());
            JSON.writeValue(workDirectory.resolve(RUNNING_FILE).toFile(), running);
            Files.writeString(workDirectory.resolve(PID_FILE), Long.toString(process.pid()));
            startedAt = Instant.now();
            LOG.info("{}/{}: started, pid {}, release {}, log {}", cluster, name, process.pid(), launch.release(), log);
            process.onExit().thenAccept(this::exited);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cluster + "/" + name + " in " + workDirectory + ": " + e.getMessage(), e);
        }
    }

    private synchronized void exited(ProcessHandle gone) {
        if (!gone.equals(process) || !wanted) {
            return;
        }
        if (launch == null) {
            // adopted and died before the reconciler asked for it: the next pass starts it (it is STOPPED)
            wanted = false;
            return;
        }
        Duration ran = Duration.between(startedAt, Instant.now());
        if (ran.compareTo(STABLE) > 0) {
            backoff = Duration.ofSeconds(1);
        }
        restarts++;
        restarting = true;
        String code = child != null && child.pid() == gone.pid() ? "with code " + child.exitValue() : "(adopted: code unknown)";
        LOG.warn("{}/{}: exited {} after {} s without being asked to; restarting in {} s (restart {}); see {}",
                cluster, name, code, ran.toSeconds(), backoff.toSeconds(), restarts, workDirectory.resolve(LOG_FILE));
        scheduler.schedule(this::restartIfStillWanted, backoff.toMillis(), TimeUnit.MILLISECONDS);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private boolean hasStorage() {
        return Files.isDirectory(workDirectory.resolve(STORAGE_DIR));
    }

    private synchronized void restartIfStillWanted() {
        if (wanted && restarting && holdsStorage && storageSeen && !hasStorage()) {
            LOG.error("{}/{}: its storage ({}) is gone; not restarting it under its identity: the reconciler takes it out"
                    + " of the baseline and starts it afresh", cluster, name, workDirectory.resolve(STORAGE_DIR));
            restarting = false;
            storageLost = true;
            return;
        }
        if (wanted && restarting && (process == null || !process.isAlive())) {
            try {
                spawn();
            } catch (RuntimeException e) {
                LOG.error("{}/{}: could not be restarted: {}", cluster, name, e.getMessage(), e);
                restarting = true;
                scheduler.schedule(this::restartIfStillWanted, backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** From now on an exit is expected: the supervisor will not bring the node back. */
    synchronized void letGo() {
        wanted = false;
        restarting = false;
    }

    /** Stops the node and keeps its storage; it is not restarted until started again. */
    synchronized void stop(Duration timeout) {
        wanted = false;
        restarting = false;
        stopProcess(timeout);
    }

    private void stopProcess(Duration timeout) {
        ProcessHandle stopping = process;
        if (stopping == null || !stopping.isAlive()) {
            return;
        }
        // SIGTERM: the engine's shutdown hook stops the node gracefully (a child or an adopted node alike)
        stopping.destroy();
        try {
            stopping.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("{}/{}: stopped", cluster, name);
        } catch (TimeoutException e) {
            LOG.warn("{}/{}: did not stop within {} s; killing it", cluster, name, timeout.toSeconds());
            kill(stopping);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException e) {
            kill(stopping);
        }
    }

    private static void kill(ProcessHandle handle) {
        handle.destroyForcibly();
        handle.onExit().join();
    }
}

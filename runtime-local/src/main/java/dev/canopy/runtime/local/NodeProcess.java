package dev.canopy.runtime.local;

import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
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
 * to, and stops it gracefully (standard input closed), then by force after a timeout.
 */
final class NodeProcess {
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
    static final String LOG_FILE = "node.log";
    static final String PID_FILE = "node.pid";
    /** Where the engine keeps a leaf's data, under its work directory. */
    static final String STORAGE_DIR = "db";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE = Duration.ofSeconds(60);

    private final String cluster;
    /** How logs and the process's command line name it: the node's name, or {@code <leaf>.cdc} for a capture. */
    private final String name;
    /** A leaf's node holds storage; a capture beside a leaf does not (it reads the leaf's). */
    private final boolean holdsStorage;
    private final Path workDirectory;
    private final ReleaseCatalog releases;
    private final ScheduledExecutorService scheduler;

    private NodeLaunch launch;
    private Process process;
    private boolean wanted;
    private boolean restarting;
    /** A leaf's storage existed at some point: from then on, its absence means it was lost, not not yet created. */
    private boolean storageSeen;
    private boolean storageLost;
    private int restarts;
    private Instant startedAt = Instant.EPOCH;
    private Duration backoff = Duration.ofSeconds(1);

    NodeProcess(String cluster, NodeId node, Path workDirectory, ReleaseCatalog releases, ScheduledExecutorService scheduler) {
        this(cluster, node, false, workDirectory, releases, scheduler);
    }

    /** @param capture whether this is the change-data-capture process beside the leaf rather than the node */
    NodeProcess(String cluster, NodeId node, boolean capture, Path workDirectory, ReleaseCatalog releases, ScheduledExecutorService scheduler) {
        this.cluster = cluster;
        this.name = capture ? node.name() + ".cdc" : node.name();
        this.holdsStorage = node.isLeaf() && !capture;
        this.workDirectory = workDirectory;
        this.releases = releases;
        this.scheduler = scheduler;
    }

    synchronized NodeState state() {
        if (process != null && process.isAlive()) {
            // once seen, the flag stays: no need to look at the disk on every observation
            storageSeen = storageSeen || hasStorage();
            return NodeState.RUNNING;
        }
        if (storageLost) {
            return NodeState.STORAGE_LOST;
        }
        return wanted && restarting ? NodeState.RESTARTING : NodeState.STOPPED;
    }

    synchronized String fingerprint() {
        return launch == null ? null : launch.fingerprint();
    }

    synchronized String runningRelease() {
        return launch == null ? null : launch.release();
    }

    synchronized int restarts() {
        return restarts;
    }

    synchronized OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** Starts the node with this launch, unless it already runs with it. */
    synchronized void start(NodeLaunch newLaunch) {
        boolean running = process != null && process.isAlive();
        if (running && launch != null && launch.fingerprint().equals(newLaunch.fingerprint())) {
            return;
        }
        if (running) {
            LOG.info("{}/{}: restarting with a new configuration ({} -> {})", cluster, name, launch.fingerprint(), newLaunch.fingerprint());
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
            command.add("-Dcanopy.node=" + cluster + "/" + name);
            // lets a later runtime recognise this process as a node of this directory (see LocalRuntime#reapOrphans)
            command.add("-Dcanopy.node.dir=" + workDirectory);
            command.add("-cp");
            command.add(releases.classpath(launch.release()));
            command.add("dev.canopy.node.NodeLauncher");
            command.addAll(launch.arguments());
            Path log = workDirectory.resolve(LOG_FILE);
            process = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            Files.writeString(workDirectory.resolve(PID_FILE), Long.toString(process.pid()));
            startedAt = Instant.now();
            LOG.info("{}/{}: started, pid {}, release {}, log {}", cluster, name, process.pid(), launch.release(), log);
            Process started = process;
            started.onExit().thenAccept(this::exited);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cluster + "/" + name + " in " + workDirectory + ": " + e.getMessage(), e);
        }
    }

    private synchronized void exited(Process gone) {
        if (gone != process || !wanted) {
            return;
        }
        Duration ran = Duration.between(startedAt, Instant.now());
        if (ran.compareTo(STABLE) > 0) {
            backoff = Duration.ofSeconds(1);
        }
        restarts++;
        restarting = true;
        LOG.warn("{}/{}: exited with code {} after {} s without being asked to; restarting in {} s (restart {}); see {}",
                cluster, name, gone.exitValue(), ran.toSeconds(), backoff.toSeconds(), restarts, workDirectory.resolve(LOG_FILE));
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
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        // closing standard input is the launcher's signal to stop gracefully
        try (OutputStream in = running.getOutputStream()) {
            in.flush();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            running.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("{}/{}: stopped (exit code {})", cluster, name, running.exitValue());
        } catch (TimeoutException e) {
            LOG.warn("{}/{}: did not stop within {} s; killing it", cluster, name, timeout.toSeconds());
            running.destroyForcibly();
            running.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException e) {
            running.destroyForcibly();
        }
    }
}

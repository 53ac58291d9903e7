package dev.canopy.cli;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.core.Step;
import dev.canopy.region.local.RegionListener;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** Prints each step and each change of phase or progress as it happens, one line each. */
class Progress implements RegionListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final PrintStream out;
    private final java.util.Map<String, String> lastLine = new java.util.concurrent.ConcurrentHashMap<>();
    private final UnaryOperator<String> names;

    Progress(PrintStream out) {
        this(out, UnaryOperator.identity());
    }

    /** With {@code names}, each cluster the region reports on is shown by the name it gives (the API's). */
    Progress(PrintStream out, UnaryOperator<String> names) {
        this.out = out;
        this.names = names;
    }

    void line(String cluster, String text) {
        if (text.equals(lastLine.put(cluster, text))) {
            return;
        }
        out.printf("%s [%s] %s%n", LocalTime.now().format(TIME), names.apply(cluster), text);
    }

    @Override
    public void stepTaken(String cluster, Step step) {
        line(cluster, step.message());
    }

    @Override
    public void statusChanged(String cluster, DatabaseClusterStatus before, DatabaseClusterStatus after) {
        if (before == null || before.phase() != after.phase()) {
            line(cluster, "phase " + after.phase() + (after.phase() == dev.canopy.api.Phase.Ready ? "" : ": " + progressMessage(after)));
            return;
        }
        String was = progressMessage(before);
        String now = progressMessage(after);
        if (!Objects.equals(was, now) && after.isTrue(Condition.PROGRESSING)) {
            line(cluster, now);
        }
        after.condition(Condition.DEGRADED).filter(Condition::isTrue)
                .filter(c -> !before.condition(Condition.DEGRADED).map(b -> b.isTrue() && b.message().equals(c.message())).orElse(false))
                .ifPresent(c -> line(cluster, "degraded: " + c.message()));
    }

    static String progressMessage(DatabaseClusterStatus status) {
        return status.condition(Condition.READY).filter(c -> !c.isTrue()).map(Condition::message)
                .orElse(status.condition(Condition.PROGRESSING).map(Condition::message).orElse(""));
    }

    @Override
    public void deleted(String cluster) {
        line(cluster, "deleted: every node stopped, storage removed");
    }

    @Override
    public void failed(String cluster, String message) {
        line(cluster, "step failed (will retry): " + message);
    }
}

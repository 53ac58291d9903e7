package dev.canopy.engine.ignite;

import dev.canopy.core.Causes;
import org.apache.ignite.IgniteLogger;

/** Collects what the control utility prints, so a failed command's own words end up in the error we raise. */
final class CapturingLogger implements IgniteLogger {
    private final StringBuilder text = new StringBuilder();
    private String lastError = "";

    String text() {
        return text.toString();
    }

    String lastError() {
        return lastError.isEmpty() ? text.toString().strip() : lastError;
    }

    @Override
    public IgniteLogger getLogger(Object ctgr) {
        return this;
    }

    @Override
    public void trace(String msg) {
    }

    @Override
    public void debug(String msg) {
    }

    @Override
    public synchronized void info(String msg) {
        text.append(msg).append('\n');
    }

    @Override
    public synchronized void warning(String msg, Throwable e) {
        text.append(msg).append('\n');
    }

    @Override
    public synchronized void error(String msg, Throwable e) {
        text.append(msg).append('\n');
        lastError = msg + (e == null ? "" : ": " + Causes.rootMessage(e));
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isQuiet() {
        return false;
    }

    @Override
    public String fileName() {
        return null;
    }
}

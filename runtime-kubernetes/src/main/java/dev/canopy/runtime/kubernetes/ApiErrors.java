package dev.canopy.runtime.kubernetes;

import dev.canopy.core.Causes;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * An API server's refusal as one readable line for a status or an event: its code and its own message, without the
 * request dump and the whole Status object that fabric8 puts in the exception's message (3 KB for one 422). The log
 * keeps the exception whole.
 */
public final class ApiErrors {
    static final int MAX = 300;

    private ApiErrors() {
    }

    public static String oneLine(Throwable e) {
        KubernetesClientException api = apiError(e);
        String text;
        if (api != null && api.getStatus() != null && api.getStatus().getMessage() != null) {
            text = api.getCode() + " " + (api.getStatus().getReason() == null ? "" : api.getStatus().getReason() + ": ")
                    + api.getStatus().getMessage();
        } else {
            text = Causes.rootMessage(e);
        }
        text = text.strip().replaceAll("\\s+", " ");
        return text.length() > MAX ? text.substring(0, MAX - 3) + "..." : text;
    }

    private static KubernetesClientException apiError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return k;
            }
        }
        return null;
    }
}

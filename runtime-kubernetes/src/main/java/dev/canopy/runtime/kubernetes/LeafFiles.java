package dev.canopy.runtime.kubernetes;

import java.nio.file.Path;

/**
 * Files on a leaf's own volume, which only its pod can reach: the engine writes a snapshot there and reads one back
 * from there, and the operator carries them between the pod and its own disk.
 */
public interface LeafFiles {

    /** Copies the pod's directory {@code from}, with everything under it, into the local directory {@code to}. */
    void copyOut(String pod, String from, Path to);

    /** Copies the local directory {@code from}, with everything under it, into the pod's directory {@code to}. */
    void copyIn(Path from, String pod, String to);

    /** Deletes the pod's directory and everything under it; nothing happens when there is none. */
    void delete(String pod, String directory);
}

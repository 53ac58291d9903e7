package dev.canopy.runtime.kubernetes;

import dev.canopy.core.Release;

/**
 * The platform's choices for nodes on Kubernetes.
 *
 * @param nodeImage       the node image, {@code {version}} standing for the engine version of the release
 *                        (default: the official {@code apacheignite/ignite:{version}})
 * @param nodeLibsImage   an image holding Canopy's node-side classes (the availability-group backup filter that the
 *                        rendered configuration names) under {@code nodeLibsPath}; an init container copies them into the
 *                        engine's classpath. Null when the node image has them already.
 * @param nodeLibsPath    where in {@code nodeLibsImage} the jars are
 * @param optionLibs      the image's optional engine modules to enable ({@code OPTION_LIBS}); empty for none
 * @param serverSideApply apply objects with server-side apply (a real API server); off only where the API server
 *                        cannot do it (fabric8's mock server), where objects are created or updated whole instead
 */
public record RuntimeSettings(String nodeImage, String nodeLibsImage, String nodeLibsPath, String optionLibs,
                              boolean serverSideApply) {
    public static final String OFFICIAL_IMAGE = "apacheignite/ignite:{version}";
    public static final String FIELD_MANAGER = "canopy-operator";

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(OFFICIAL_IMAGE, null, "/opt/canopy/node-libs", "", true);
    }

    public RuntimeSettings withServerSideApply(boolean on) {
        return new RuntimeSettings(nodeImage, nodeLibsImage, nodeLibsPath, optionLibs, on);
    }

    public RuntimeSettings withNodeLibsImage(String image) {
        return new RuntimeSettings(nodeImage, image, nodeLibsPath, optionLibs, serverSideApply);
    }

    public String imageOf(String release) {
        return nodeImage.replace("{version}", Release.engineVersion(release));
    }
}

package dev.canopy.engine.ignite;

import dev.canopy.core.Passwords;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Properties;
import java.util.function.Function;

/**
 * Admin secrets kept as files readable by the platform's user only (0600): {@code user} and {@code password}
 * properties, made on the first ask and never changed afterwards.
 */
public final class AdminSecretFiles implements ClusterCredentials {
    private final Function<String, Path> fileOf;
    private final Function<String, Path> markerOf;
    private final Function<String, Path> tlsOf;
    private final Function<String, Path> tlsMarkerOf;
    private final java.time.Clock clock;
    private final boolean encryptNodes;
    /**
     * What was read or decided, by deployment: every engine call and every node's launch asks, and neither a kept
     * secret nor a decision ever changes while its file is there (checked, as a deployment's files go with it).
     */
    private final Map<String, Credentials> secrets = new ConcurrentHashMap<>();
    private final Map<String, ClientTls> encrypted = new ConcurrentHashMap<>();
    private static final String NODE_TLS_MARKER = "tls-nodes";
    private static final String JOINING_NODE_SECURITY_MARKER = "joining-node-security";

    /**
     * @param fileOf   where the secret of a deployment is kept
     * @param markerOf the file whose presence says a deployment's nodes run with authentication (see
     *                 {@link ClusterCredentials#authentication})
     */
    public AdminSecretFiles(Function<String, Path> fileOf, Function<String, Path> markerOf) {
        this(fileOf, markerOf, null, null);
    }

    /**
     * @param tlsOf       the directory of a deployment's certificates (see {@link ClusterCertificates}); null: clients
     *                    connect in plain text
     * @param tlsMarkerOf the file whose presence says a deployment's nodes serve clients over TLS
     */
    public AdminSecretFiles(Function<String, Path> fileOf, Function<String, Path> markerOf,
                            Function<String, Path> tlsOf, Function<String, Path> tlsMarkerOf) {
        this(fileOf, markerOf, tlsOf, tlsMarkerOf, java.time.Clock.systemUTC());
    }

    /** @param clock when the nodes' certificate is due for renewal (see {@link ClusterCertificates#renewedIfExpiring}) */
    public AdminSecretFiles(Function<String, Path> fileOf, Function<String, Path> markerOf,
                            Function<String, Path> tlsOf, Function<String, Path> tlsMarkerOf, java.time.Clock clock) {
        // node-to-node TLS off by default for now: with it, a leaf started afresh (its storage lost) was twice not let
        // back in, its baseline change hanging (see docs/using.md, "Encryption (TLS)")
        this(fileOf, markerOf, tlsOf, tlsMarkerOf, clock, false);
    }

    /**
     * @param encryptNodes whether fresh deployments with TLS also encrypt node-to-node traffic (see
     *                     {@link ClusterCredentials#nodeTls}); off unless asked
     */
    public AdminSecretFiles(Function<String, Path> fileOf, Function<String, Path> markerOf,
                            Function<String, Path> tlsOf, Function<String, Path> tlsMarkerOf, java.time.Clock clock,
                            boolean encryptNodes) {
        this.clock = clock;
        this.encryptNodes = encryptNodes;
        this.fileOf = fileOf;
        this.markerOf = markerOf;
        this.tlsOf = tlsOf;
        this.tlsMarkerOf = tlsMarkerOf;
    }

    @Override
    public synchronized boolean authentication(String deployment, boolean fresh) {
        Path marker = markerOf.apply(deployment);
        if (Files.exists(marker)) {
            return true;
        }
        if (!fresh) {
            return false;
        }
        try {
            // the secret first: a deployment that runs with authentication always has the login it is taken over with
            admin(deployment);
            Files.createDirectories(marker.getParent());
            // before the marker that makes the decision final: a deployment decided without it stays without it
            Files.writeString(marker.resolveSibling(JOINING_NODE_SECURITY_MARKER),
                    "this deployment's nodes handle the messages of a node that joined a moment ago\n");
            Files.writeString(marker, "the engine's authentication is on for this deployment's nodes\n");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + deployment + " as running with authentication: " + e.getMessage(), e);
        }
    }

    /** Beside the deployment's authentication marker: {@code joining-node-security}, written with it. */
    @Override
    public boolean joiningNodeSecurity(String deployment) {
        return Files.exists(markerOf.apply(deployment).resolveSibling(JOINING_NODE_SECURITY_MARKER));
    }

    @Override
    public synchronized Optional<ClientTls> tls(String deployment, boolean fresh) {
        if (tlsOf == null) {
            return Optional.empty();
        }
        ClientTls known = encrypted.get(deployment);
        Path marker = tlsMarkerOf.apply(deployment);
        if (known != null && Files.exists(marker)) {
            if (known.nodeCertificate().notAfter().isAfter(clock.instant().plus(ClusterCertificates.RENEW_BEFORE))) {
                return Optional.of(known);
            }
            ClientTls renewed = ClusterCertificates.renewedIfExpiring(tlsOf.apply(deployment), deployment, clock.instant());
            encrypted.put(deployment, renewed);
            return Optional.of(renewed);
        }
        try {
            if (!Files.exists(marker)) {
                if (!fresh) {
                    return Optional.empty();
                }
                // the certificates first: a deployment marked as serving TLS always has them
                ClusterCertificates.keptIn(tlsOf.apply(deployment), deployment);
                Files.createDirectories(marker.getParent());
                Files.writeString(marker, "this deployment's nodes serve clients over TLS\n");
            }
            ClientTls tls = ClusterCertificates.renewedIfExpiring(tlsOf.apply(deployment), deployment, clock.instant());
            encrypted.put(deployment, tls);
            return Optional.of(tls);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + deployment + " as serving clients over TLS: " + e.getMessage(), e);
        }
    }

    /** Beside the deployment's client TLS marker: {@code tls-nodes}. */
    @Override
    public synchronized boolean nodeTls(String deployment, boolean fresh) {
        if (tlsOf == null) {
            return false;
        }
        Path marker = tlsMarkerOf.apply(deployment).resolveSibling(NODE_TLS_MARKER);
        if (Files.exists(marker)) {
            return true;
        }
        // a certificate from before node-to-node TLS (shared with a blue/green's other deployment) cannot serve it
        if (!fresh || !encryptNodes || tls(deployment, true).filter(t -> t.nodeCertificate().clientAuth()).isEmpty()) {
            return false;
        }
        try {
            Files.writeString(marker, "this deployment's nodes talk to each other over TLS\n");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + deployment + " as encrypting node-to-node traffic: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Credentials admin(String deployment) {
        Path file = fileOf.apply(deployment);
        Credentials known = secrets.get(deployment);
        if (known != null && Files.exists(file)) {
            return known;
        }
        try {
            if (!Files.exists(file)) {
                write(file, new Credentials(Credentials.SUPERUSER, Passwords.generate()));
            }
            Credentials read = read(file);
            secrets.put(deployment, read);
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the admin secret of " + deployment + " in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Path> file(String deployment) {
        admin(deployment);
        return Optional.of(fileOf.apply(deployment));
    }

    /** Reads a secret file as {@link #admin} writes it. */
    public static Credentials read(Path file) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file)));
        String user = properties.getProperty("user");
        String password = properties.getProperty("password");
        if (user == null || password == null || password.isEmpty()) {
            throw new IOException(file + " holds no user and password");
        }
        return new Credentials(user, password);
    }

    /** Made 0600 before anything is written into it, then moved into place whole. */
    private static void write(Path file, Credentials credentials) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Properties properties = new Properties();
        properties.setProperty("user", credentials.user());
        properties.setProperty("password", credentials.password());
        StringWriter text = new StringWriter();
        properties.store(text, "the platform's login to this cluster's engine: keep it readable by the platform's user only");
        Files.writeString(tmp, text.toString());
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package dev.canopy.engine.ignite;

import dev.canopy.core.Passwords;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.io.InputStream;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Properties;

/**
 * A cluster's own certificate authority and the certificate its nodes serve clients with, kept as files readable by
 * the platform's user only: {@code ca.pem} (what clients trust), {@code ca.key} (to issue the next node certificate),
 * {@code node.p12} (the nodes' key and certificate chain), {@code truststore.p12} (the authority alone, for Java clients)
 * and {@code stores.properties} (the two stores' passwords).
 */
public final class ClusterCertificates {
    static final String CA_CERTIFICATE = "ca.pem";
    private static final String CA_KEY = "ca.key";
    private static final String NODE_STORE = "node.p12";
    private static final String TRUST_STORE = "truststore.p12";
    private static final String PASSWORDS = "stores.properties";
    /** Renewed {@link #RENEW_BEFORE} its end (see {@link #renewedIfExpiring}). */
    static final Duration NODE_VALIDITY = Duration.ofDays(397);
    /** Time enough for a rolling restart to be planned, taken and, if it is held up (a node down), to be noticed. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Duration CA_VALIDITY = Duration.ofDays(10 * 365);
    private static final String SIGNATURE = "SHA256withECDSA";

    private ClusterCertificates() {
    }

    /** The cluster's certificates in {@code dir}, made first when the directory has none. */
    public static synchronized ClientTls keptIn(Path dir, String cluster) {
        try {
            if (!Files.exists(dir.resolve(PASSWORDS))) {
                issue(dir, cluster);
            }
            return read(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the certificates of " + cluster + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads what {@link #keptIn} wrote. */
    public static ClientTls read(Path dir) throws IOException {
        Properties passwords = new Properties();
        passwords.load(new StringReader(Files.readString(dir.resolve(PASSWORDS))));
        return new ClientTls(dir.resolve(NODE_STORE), passwords.getProperty("node"), dir.resolve(TRUST_STORE),
                passwords.getProperty("trust"), dir.resolve(CA_CERTIFICATE), new ClientTls.NodeCertificate(
                passwords.getProperty("nodeSerial"), Instant.parse(passwords.getProperty("nodeNotAfter")),
                // certificates issued before nodes spoke TLS to each other serve servers only
                Boolean.parseBoolean(passwords.getProperty("nodeClientAuth", "false"))));
    }

    /**
     * The cluster's certificates, the nodes' renewed first when it ends within {@link #RENEW_BEFORE} of {@code now}: a
     * new key and certificate from the same authority (clients' trust stores stay good), in place of the old store.
     * Nodes read their store when they start, so the running ones serve the old certificate until restarted: the new
     * serial changes their launch's fingerprint, and the planner restarts them one availability group at a time.
     */
    public static synchronized ClientTls renewedIfExpiring(Path dir, String cluster, Instant now) {
        ClientTls kept = keptIn(dir, cluster);
        if (kept.nodeCertificate().notAfter().isAfter(now.plus(RENEW_BEFORE))) {
            return kept;
        }
        try {
            X509Certificate caCertificate;
            try (InputStream in = Files.newInputStream(dir.resolve(CA_CERTIFICATE))) {
                caCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            byte[] der = Base64.getMimeDecoder().decode(Files.readString(dir.resolve(CA_KEY))
                    .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", ""));
            PrivateKey caKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            KeyPair nodeKeys = keyPair();
            X509Certificate node = nodeCertificate(caCertificate, caKey, nodeKeys, cluster, now);
            KeyStore nodeStore = KeyStore.getInstance(ClientTls.STORE_TYPE);
            nodeStore.load(null, null);
            nodeStore.setKeyEntry("node", nodeKeys.getPrivate(), kept.keyStorePassword().toCharArray(), new Certificate[]{node, caCertificate});
            Path tmp = dir.resolve(NODE_STORE + ".tmp");
            Files.deleteIfExists(tmp);
            store(nodeStore, tmp, kept.keyStorePassword());
            Files.move(tmp, dir.resolve(NODE_STORE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writePasswords(dir, kept.keyStorePassword(), kept.trustStorePassword(), node);
            return read(dir);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot renew the node certificate of " + cluster + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void issue(Path dir, String cluster) throws IOException {
        try {
            Instant now = Instant.now();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            KeyPair caKeys = keyPair();
            X500Name caName = new X500Name("CN=Canopy certificate authority of " + rdnText(cluster));
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(CA_VALIDITY)), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCertificate = certificate(ca, caKeys);

            KeyPair nodeKeys = keyPair();
            X509Certificate nodeCertificate = nodeCertificate(caCertificate, caKeys.getPrivate(), nodeKeys, cluster, now);

            String nodePassword = Passwords.generate();
            String trustPassword = Passwords.generate();
            Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(dir.getParent());
            createPrivateDirectory(tmp);
            writePrivate(tmp.resolve(CA_CERTIFICATE), pem("CERTIFICATE", caCertificate.getEncoded()));
            writePrivate(tmp.resolve(CA_KEY), pem("PRIVATE KEY", caKeys.getPrivate().getEncoded()));
            KeyStore nodeStore = KeyStore.getInstance(ClientTls.STORE_TYPE);
            nodeStore.load(null, null);
            nodeStore.setKeyEntry("node", nodeKeys.getPrivate(), nodePassword.toCharArray(), new Certificate[]{nodeCertificate, caCertificate});
            store(nodeStore, tmp.resolve(NODE_STORE), nodePassword);
            KeyStore trustStore = KeyStore.getInstance(ClientTls.STORE_TYPE);
            trustStore.load(null, null);
            trustStore.setCertificateEntry("ca", caCertificate);
            store(trustStore, tmp.resolve(TRUST_STORE), trustPassword);
            // written last: its presence says the directory is complete
            writePasswords(tmp, nodePassword, trustPassword, nodeCertificate);
            deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue certificates: " + e.getMessage(), e);
        }
    }

    private static X509Certificate nodeCertificate(X509Certificate caCertificate, PrivateKey caKey, KeyPair nodeKeys, String cluster,
                                                   Instant now) throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v3CertificateBuilder node = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(NODE_VALIDITY)),
                new X500Name("CN=" + rdnText(cluster)), nodeKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        // a node is also the client of the node it connects to (discovery, communication)
                        new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCertificate))
                // local nodes listen on the loopback address: clients that check names find them there
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        return new JcaX509CertificateConverter().getCertificate(node.build(new JcaContentSignerBuilder(SIGNATURE).build(caKey)));
    }

    private static void writePasswords(Path dir, String nodePassword, String trustPassword, X509Certificate node) throws IOException {
        Properties passwords = new Properties();
        passwords.setProperty("node", nodePassword);
        passwords.setProperty("trust", trustPassword);
        passwords.setProperty("nodeSerial", node.getSerialNumber().toString(16));
        passwords.setProperty("nodeNotAfter", node.getNotAfter().toInstant().toString());
        passwords.setProperty("nodeClientAuth", "true");
        StringWriter text = new StringWriter();
        passwords.store(text, "the passwords of this cluster's key store and trust store, and the nodes' certificate");
        Path file = dir.resolve(PASSWORDS);
        Path tmp = dir.resolve(PASSWORDS + ".tmp");
        Files.deleteIfExists(tmp);
        writePrivate(tmp, text.toString());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The X.509 name's special characters escaped: a cluster name is DNS-like, but the name is built from it anyway. */
    private static String rdnText(String value) {
        return value.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, CertificateException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void store(KeyStore keyStore, Path file, String password) throws IOException, GeneralSecurityException {
        createPrivateFile(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, password.toCharArray());
        }
    }

    private static void writePrivate(Path file, String text) throws IOException {
        createPrivateFile(file);
        Files.writeString(file, text);
    }

    private static void createPrivateFile(Path file) throws IOException {
        if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.getFileStore(dir.getParent()).supportsFileAttributeView("posix")) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package dev.canopy.engine.ignite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void aClusterGetsItsOwnAuthorityAndANodeCertificateItSigned() throws Exception {
        Path tls = dir.resolve("shop/tls");
        ClientTls made = ClusterCertificates.keptIn(tls, "shop");

        X509Certificate ca;
        try (InputStream in = Files.newInputStream(made.caCertificate())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(ca.getSubjectX500Principal().getName()).contains("shop");
        assertThat(ca.getBasicConstraints()).as("an authority").isGreaterThanOrEqualTo(0);

        KeyStore nodeStore = KeyStore.getInstance(ClientTls.STORE_TYPE);
        try (InputStream in = Files.newInputStream(made.keyStore())) {
            nodeStore.load(in, made.keyStorePassword().toCharArray());
        }
        Certificate[] chain = nodeStore.getCertificateChain("node");
        X509Certificate node = (X509Certificate) chain[0];
        node.verify(ca.getPublicKey());
        assertThat(node.getBasicConstraints()).as("not an authority").isEqualTo(-1);
        assertThat(node.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))).toList()).contains("localhost", "127.0.0.1");
        assertThat(node.getNotAfter().toInstant()).isAfter(Instant.now().plus(ClusterCertificates.NODE_VALIDITY).minus(Duration.ofDays(1)));
        assertThat(nodeStore.getKey("node", made.keyStorePassword().toCharArray())).isNotNull();

        KeyStore trustStore = KeyStore.getInstance(ClientTls.STORE_TYPE);
        try (InputStream in = Files.newInputStream(made.trustStore())) {
            trustStore.load(in, made.trustStorePassword().toCharArray());
        }
        assertThat(trustStore.getCertificate("ca")).isEqualTo(ca);
        assertThat(trustStore.isKeyEntry("ca")).as("the trust store holds no key").isFalse();
        assertThat(made.keyStorePassword()).isNotEqualTo(made.trustStorePassword());

        // kept: asked again, the same files and passwords
        assertThat(ClusterCertificates.keptIn(tls, "shop")).isEqualTo(made);
        assertThat(ClusterCertificates.read(tls)).isEqualTo(made);
    }

    @Test
    void theNodesCertificateIsRenewedBeforeItEndsByTheSameAuthority() throws Exception {
        Path tls = dir.resolve("shop/tls");
        ClientTls made = ClusterCertificates.keptIn(tls, "shop");
        Instant ends = made.nodeCertificate().notAfter();
        byte[] trustStore = Files.readAllBytes(made.trustStore());

        assertThat(ClusterCertificates.renewedIfExpiring(tls, "shop", ends.minus(ClusterCertificates.RENEW_BEFORE).minus(Duration.ofDays(1))))
                .as("not yet due").isEqualTo(made);

        Instant due = ends.minus(Duration.ofDays(10));
        ClientTls renewed = ClusterCertificates.renewedIfExpiring(tls, "shop", due);
        assertThat(renewed.nodeCertificate().serial()).isNotEqualTo(made.nodeCertificate().serial());
        assertThat(renewed.nodeCertificate().notAfter()).isAfter(due.plus(ClusterCertificates.NODE_VALIDITY).minus(Duration.ofDays(1)));
        assertThat(renewed.keyStorePassword()).isEqualTo(made.keyStorePassword());
        assertThat(Files.readAllBytes(renewed.trustStore())).as("clients' trust stores stay good").isEqualTo(trustStore);

        X509Certificate ca;
        try (InputStream in = Files.newInputStream(made.caCertificate())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore nodeStore = KeyStore.getInstance(ClientTls.STORE_TYPE);
        try (InputStream in = Files.newInputStream(renewed.keyStore())) {
            nodeStore.load(in, renewed.keyStorePassword().toCharArray());
        }
        X509Certificate node = (X509Certificate) nodeStore.getCertificateChain("node")[0];
        node.verify(ca.getPublicKey());
        assertThat(node.getSerialNumber().toString(16)).isEqualTo(renewed.nodeCertificate().serial());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(renewed.keyStore()))).isEqualTo("rw-------");
        assertThat(ClusterCertificates.read(tls)).isEqualTo(renewed);
    }

    @Test
    void everyFileIsReadableByThePlatformsUserOnly() throws Exception {
        Path tls = dir.resolve("shop/tls");
        ClusterCertificates.keptIn(tls, "shop");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
        List<Path> files;
        try (Stream<Path> listed = Files.list(tls)) {
            files = listed.toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .containsExactlyInAnyOrder("ca.pem", "ca.key", "node.p12", "truststore.p12", "stores.properties");
        for (Path file : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void theUrlCarriesTheTrustStoreAndNeverTheNodesKey() {
        ClientTls tls = ClusterCertificates.keptIn(dir.resolve("tls"), "shop");
        String parameters = tls.jdbcUrlParameters();
        assertThat(parameters).startsWith("sslMode=require&").contains("sslTrustCertificateKeyStoreUrl=" + tls.trustStore())
                .doesNotContain(tls.keyStorePassword()).doesNotContain("node.p12");
        assertThat(tls.toString()).doesNotContain(tls.trustStorePassword());
        assertThat(new Credentials("ignite", "secret", tls).toString()).doesNotContain("secret").doesNotContain(tls.trustStorePassword());
    }
}

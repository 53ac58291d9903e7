package dev.canopy.engine.ignite;

import org.apache.ignite.client.SslMode;
import org.apache.ignite.configuration.ClientConfiguration;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * How a cluster's client connections (JDBC, thin client, control utility) are encrypted: its nodes serve with
 * {@code keyStore} (their key and certificate, issued by the cluster's own authority), clients trust {@code trustStore}
 * (that authority's certificate alone). The trust store holds nothing secret, so its password may appear in a URL; the
 * key store's never leaves the platform's files and the nodes' configuration.
 */
public record ClientTls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword, Path caCertificate,
                        NodeCertificate nodeCertificate) {

    /**
     * The certificate the nodes serve: a node started before it was renewed serves the previous one, so its serial is a
     * reason to restart (see {@link IgniteEngine#fingerprint}).
     *
     * @param clientAuth whether it may also serve a node connecting to another (node-to-node TLS needs it)
     */
    public record NodeCertificate(String serial, java.time.Instant notAfter, boolean clientAuth) {
    }

    public static final String STORE_TYPE = "PKCS12";
    /** Ignite's {@code ConnectionPropertiesImpl.PROP_PREFIX}. */
    public static final String JDBC_PROPERTY_PREFIX = "ignite.jdbc.";

    /**
     * The JDBC thin driver's settings. The driver insists on a client key store whenever a trust store is named (Ignite
     * 2.x, {@code JdbcThinSSLUtil}); the trust store serves as one holding no key, as the nodes ask for no certificate.
     */
    public Map<String, String> jdbcSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sslMode", "require");
        settings.put("sslTrustCertificateKeyStoreUrl", trustStore.toString());
        settings.put("sslTrustCertificateKeyStorePassword", trustStorePassword);
        settings.put("sslTrustCertificateKeyStoreType", STORE_TYPE);
        settings.put("sslClientCertificateKeyStoreUrl", trustStore.toString());
        settings.put("sslClientCertificateKeyStorePassword", trustStorePassword);
        settings.put("sslClientCertificateKeyStoreType", STORE_TYPE);
        return settings;
    }

    /**
     * {@link #jdbcSettings} as a URL's query: {@code sslMode=require&...}, for a URL that works as given. The driver
     * decodes nothing: a value is written as it is, in braces where it holds the delimiter.
     */
    public String jdbcUrlParameters() {
        return jdbcSettings().entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue().contains("&") ? "{" + e.getValue() + "}" : e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** The driver reads connection properties other than {@code user} and {@code password} under its prefix only. */
    void addTo(Properties jdbc) {
        jdbcSettings().forEach((key, value) -> jdbc.setProperty(JDBC_PROPERTY_PREFIX + key, value));
    }

    /** The thin client insists on a client key store too (Ignite 2.x, {@code ClientSslUtils}): see {@link #jdbcSettings}. */
    ClientConfiguration applyTo(ClientConfiguration config) {
        return config.setSslMode(SslMode.REQUIRED)
                .setSslClientCertificateKeyStorePath(trustStore.toString())
                .setSslClientCertificateKeyStorePassword(trustStorePassword)
                .setSslClientCertificateKeyStoreType(STORE_TYPE)
                .setSslTrustCertificateKeyStorePath(trustStore.toString())
                .setSslTrustCertificateKeyStorePassword(trustStorePassword)
                .setSslTrustCertificateKeyStoreType(STORE_TYPE);
    }

    /** The control utility's options for a listener with TLS. */
    List<String> controlArguments() {
        return List.of("--truststore", trustStore.toString(), "--truststore-password", trustStorePassword,
                "--truststore-type", STORE_TYPE, "--keystore", trustStore.toString(), "--keystore-password", trustStorePassword,
                "--keystore-type", STORE_TYPE);
    }

    @Override
    public String toString() {
        return "ClientTls[trustStore=" + trustStore + "]";
    }
}

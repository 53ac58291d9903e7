package dev.canopy.backup;

import dev.canopy.api.S3DestinationSpec;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/**
 * An S3-compatible server in the test's JVM: s3proxy over jclouds' filesystem blob store in the test's own directory,
 * on a free port, with access keys it checks (AWS signature v4).
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "canopy-test";
    public static final String SECRET_KEY = "canopy-test-secret";
    private final S3Proxy proxy;
    private final BlobStoreContext context;

    public S3ProxyServer(Path directory, String... buckets) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
        for (String bucket : buckets) {
            context.getBlobStore().createContainerInLocation(null, bucket);
        }
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public S3DestinationSpec spec(String bucket, String prefix) {
        return new S3DestinationSpec(endpoint(), bucket, prefix, null, "s3-keys");
    }

    public static S3Credentials credentials() {
        return new S3Credentials(ACCESS_KEY, SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}

package dev.canopy.backup;

import dev.canopy.api.S3DestinationSpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Backups in an S3 bucket (AWS or any S3-compatible store), under {@code <prefix>/<id>/files/...} with the record at
 * {@code <prefix>/<id>/backup.json}, written last.
 */
public final class S3Destination implements Destination, AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String description;

    S3Destination(S3Client s3, String bucket, String prefix, String description) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix + "/";
        this.description = description;
    }

    /** @param credentials the secret's keys; the SDK's default sources (the environment first) when empty */
    public static S3Destination open(S3DestinationSpec spec, Optional<S3Credentials> credentials) {
        AwsCredentialsProvider provider = credentials
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(DefaultCredentialsProvider::create);
        var builder = S3Client.builder()
                .region(Region.of(spec.region() == null ? "us-east-1" : spec.region()))
                .credentialsProvider(provider)
                // checksums only where S3 requires them: many S3-compatible stores refuse the SDK's newer trailing ones
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(10)).apiCallAttemptTimeout(Duration.ofMinutes(5)));
        if (spec.endpoint() != null) {
            // S3-compatible stores rarely resolve bucket.host names: the bucket goes in the path
            builder.endpointOverride(URI.create(spec.endpoint())).forcePathStyle(true);
        }
        return new S3Destination(builder.build(), spec.bucket(), spec.prefix(), describe(spec));
    }

    /** Where the spec points, as a destination says it ({@code s3://bucket/prefix at endpoint}): no client needed. */
    public static String describe(S3DestinationSpec spec) {
        return "s3://" + spec.bucket() + (spec.prefix() == null ? "" : "/" + spec.prefix())
                + (spec.endpoint() == null ? "" : " at " + spec.endpoint());
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public long upload(String id, Path directory) {
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String key = filesPrefix(id) + directory.relativize(file).toString().replace('\\', '/');
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
                bytes += Files.size(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup's files in " + directory + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw unreachable("upload backup " + id, e);
        }
        return bytes;
    }

    @Override
    public void download(String id, Path directory) {
        try {
            List<S3Object> objects = objects(filesPrefix(id));
            if (objects.isEmpty()) {
                throw new IllegalStateException("backup " + id + " has no files in " + description);
            }
            for (S3Object object : objects) {
                Path target = directory.resolve(object.key().substring(filesPrefix(id).length()));
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                s3.getObject(b -> b.bucket(bucket).key(object.key()), ResponseTransformer.toFile(target));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write backup " + id + " into " + directory + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw unreachable("download backup " + id, e);
        }
    }

    @Override
    public void putRecord(BackupRecord record) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(recordKey(record.id())).contentType("application/json"),
                    RequestBody.fromBytes(Records.toJson(record)));
        } catch (SdkException e) {
            throw unreachable("write the record of backup " + record.id(), e);
        }
    }

    @Override
    public Optional<BackupRecord> record(String id) {
        try {
            return Optional.of(Records.fromJson(s3.getObjectAsBytes(b -> b.bucket(bucket).key(recordKey(id))).asByteArray()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw unreachable("read the record of backup " + id, e);
        }
    }

    @Override
    public List<BackupRecord> records() {
        try {
            List<BackupRecord> records = new ArrayList<>();
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
                for (CommonPrefix backup : page.commonPrefixes()) {
                    String id = backup.prefix().substring(prefix.length(), backup.prefix().length() - 1);
                    record(id).ifPresent(records::add);
                }
            }
            records.sort(Records.OLDEST_FIRST);
            return records;
        } catch (SdkException e) {
            throw unreachable("list backups", e);
        }
    }

    @Override
    public void delete(String id) {
        try {
            List<S3Object> objects = objects(prefix + id + "/");
            for (int i = 0; i < objects.size(); i += 1000) {
                List<ObjectIdentifier> batch = objects.subList(i, Math.min(objects.size(), i + 1000)).stream()
                        .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
                try {
                    s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
                } catch (S3Exception e) {
                    if (e.statusCode() != 501) {
                        throw e;
                    }
                    // the SDK signs a batch delete with a checksum header some S3-compatible stores do not implement
                    batch.forEach(o -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
                }
            }
        } catch (SdkException e) {
            throw unreachable("delete backup " + id, e);
        }
    }

    /** The objects under a prefix, without the directory entries some stores list (a key another key continues). */
    private List<S3Object> objects(String keyPrefix) {
        List<S3Object> all = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents().forEach(all::add);
        Set<String> parents = new HashSet<>();
        for (S3Object object : all) {
            String key = object.key();
            for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
                parents.add(key.substring(0, slash));
            }
        }
        return all.stream().filter(o -> !o.key().endsWith("/") && !parents.contains(o.key())).toList();
    }

    private String filesPrefix(String id) {
        return prefix + id + "/files/";
    }

    private String recordKey(String id) {
        return prefix + id + "/" + Records.FILE;
    }

    private IllegalStateException unreachable(String what, SdkException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return new IllegalStateException("could not " + what + " in " + description + ": " + cause, e);
    }

    @Override
    public void close() {
        s3.close();
    }
}

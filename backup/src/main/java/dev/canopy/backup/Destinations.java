package dev.canopy.backup;

import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/** The destination a spec names, or the platform's default directory. */
public final class Destinations {
    private Destinations() {
    }

    /**
     * @param defaultDirectory where backups go when the spec names no destination
     * @param secrets a secret's keys by its name; empty when there is no such secret
     */
    public static Destination open(BackupSpec backup, Path defaultDirectory, Function<String, Optional<S3Credentials>> secrets) {
        BackupDestinationSpec destination = backup == null ? null : backup.destination();
        if (destination == null) {
            return new DirectoryDestination(defaultDirectory);
        }
        if (destination.directory() != null) {
            return new DirectoryDestination(Path.of(destination.directory()));
        }
        String secret = destination.s3().credentialsSecret();
        Optional<S3Credentials> credentials = Optional.empty();
        if (secret != null) {
            credentials = secrets.apply(secret);
            if (credentials.isEmpty()) {
                throw new IllegalStateException("spec.backup.destination.s3.credentialsSecret: no secret named " + secret);
            }
        }
        return S3Destination.open(destination.s3(), credentials);
    }
}

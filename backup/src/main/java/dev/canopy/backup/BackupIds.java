package dev.canopy.backup;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A backup's id: its cluster, its start in UTC to the second and a random part, e.g.
 * {@code orders-20261125-031700-k3f9q2}. Sorts by time within a cluster, reads well in a listing, and is a valid
 * snapshot and file name. The random part makes an id impossible to guess: cluster and second alone let one
 * organization name (and restore) another's backup.
 */
public final class BackupIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupIds() {
    }

    public static String of(String cluster, Instant started) {
        StringBuilder random = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            random.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return cluster + "-" + FORMAT.format(started) + "-" + random;
    }
}

package dev.canopy.backup;

import java.util.ArrayList;
import java.util.List;

/**
 * Which backups of a cluster go: all but the {@code keep} newest good ones, and failed ones older than the oldest
 * kept. A backup in progress is never touched, and nothing goes while fewer than {@code keep} good ones exist,
 * except failures older than every good one.
 */
public final class Retention {
    private Retention() {
    }

    public static List<BackupRecord> expired(List<BackupRecord> records, int keep) {
        List<BackupRecord> newestFirst = new ArrayList<>(records);
        newestFirst.sort(Records.OLDEST_FIRST.reversed());
        List<BackupRecord> expired = new ArrayList<>();
        int good = 0;
        for (BackupRecord record : newestFirst) {
            switch (record.state()) {
                case InProgress -> { }
                case Succeeded -> {
                    if (++good > keep) {
                        expired.add(record);
                    }
                }
                // a failure newer than the oldest kept good backup is still news; older ones are not
                case Failed -> {
                    if (good >= keep) {
                        expired.add(record);
                    }
                }
            }
        }
        return expired;
    }
}

package dev.canopy.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches node logs (appended to across restarts) for a phrase written from now on: how the upgrade benchmark tells
 * the moment an aggregator is asked to stop, before its connections close, so that failed statements are put in the
 * right phase.
 */
final class LogWatch {
    private final List<Path> logs;
    private final String phrase;
    private final Map<Path, Long> offsets = new HashMap<>();
    private final Map<Path, String> carry = new HashMap<>();

    LogWatch(List<Path> logs, String phrase) {
        this.logs = List.copyOf(logs);
        this.phrase = phrase;
        for (Path log : logs) {
            offsets.put(log, size(log));
            carry.put(log, "");
        }
    }

    /** True once the phrase was appended to one of the logs since this watch was made. */
    boolean seen() {
        for (Path log : logs) {
            long from = offsets.get(log);
            long to = size(log);
            if (to <= from) {
                continue;
            }
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                byte[] bytes = new byte[(int) Math.min(to - from, 16 << 20)];
                file.seek(from);
                file.readFully(bytes);
                offsets.put(log, from + bytes.length);
                // a phrase split across two reads is found by keeping the tail of the previous one
                String text = carry.get(log) + new String(bytes, StandardCharsets.UTF_8);
                if (text.contains(phrase)) {
                    return true;
                }
                carry.put(log, text.substring(Math.max(0, text.length() - phrase.length())));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + log, e);
            }
        }
        return false;
    }

    private static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}

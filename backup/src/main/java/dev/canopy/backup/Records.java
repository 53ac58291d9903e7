package dev.canopy.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;

/** A backup record as JSON, the same in every destination. */
public final class Records {
    public static final String FILE = "backup.json";
    public static final Comparator<BackupRecord> OLDEST_FIRST = Comparator.comparing(BackupRecord::createdAt).thenComparing(BackupRecord::id);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Records() {
    }

    public static byte[] toJson(BackupRecord record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BackupRecord fromJson(byte[] json) {
        try {
            return JSON.readValue(json, BackupRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a backup record: " + e.getMessage(), e);
        }
    }
}

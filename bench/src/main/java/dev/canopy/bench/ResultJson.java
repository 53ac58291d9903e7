package dev.canopy.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The day's result file: the report as JSON, raw runs included so that a later reader can recompute the summaries. */
public final class ResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            // the summaries are derived from the runs, so reading ignores them
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultJson() {
    }

    public static String write(BenchReport report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BenchReport read(String json) {
        try {
            return MAPPER.readValue(json, BenchReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

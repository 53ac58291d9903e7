package dev.canopy.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultJsonTest {
    @Test
    void roundTripsWithTheMachineAndRawRuns() {
        BenchReport report = MarkdownTableTest.report();
        String json = ResultJson.write(report);
        assertThat(json).contains("\"cores\" : 2").contains("\"memoryMb\" : 24000").contains("\"median\" : 11000.0");
        assertThat(ResultJson.read(json)).isEqualTo(report);
    }
}

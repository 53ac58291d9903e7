package dev.canopy.engine.ignite;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TableDigestsTest {

    @Test
    void valuesRenderTheSameWhateverTheirScaleOrWidth() {
        assertThat(TableDigests.canonical(new BigDecimal("1.50"))).isEqualTo(TableDigests.canonical(new BigDecimal("1.5")));
        assertThat(TableDigests.canonical(new BigDecimal("0.00"))).isEqualTo(TableDigests.canonical(BigDecimal.ZERO));
        assertThat(TableDigests.canonical(new BigDecimal("100"))).isEqualTo("D100");
        assertThat(TableDigests.canonical(7)).isEqualTo(TableDigests.canonical(7L));
        assertThat(TableDigests.canonical(new byte[]{1, (byte) 0xab})).isEqualTo("X01ab");
        Timestamp at = new Timestamp(1_700_000_000_123L);
        at.setNanos(123_456_789);
        assertThat(TableDigests.canonical(at)).isEqualTo("T1700000000123.123456789");
        assertThat(TableDigests.canonical(UUID.fromString("3bd5a0c5-4db0-4d34-b5e0-c7d2eafc5b8c")))
                .isEqualTo("U3bd5a0c5-4db0-4d34-b5e0-c7d2eafc5b8c");
    }

    @Test
    void nullTheTextNullAndEmptyAreDifferent() {
        assertThat(List.of(TableDigests.canonical(null), TableDigests.canonical("null"), TableDigests.canonical(""),
                TableDigests.canonical(0))).doesNotHaveDuplicates();
    }

    @Test
    void aRowHashDependsOnEveryValueAndItsColumn() {
        MessageDigest sha = TableDigests.sha256();
        List<String> names = List.of("A", "B");
        long hash = TableDigests.rowHash(sha, names, Arrays.asList(1, "x"));
        assertThat(TableDigests.rowHash(sha, names, Arrays.asList(1, "x"))).isEqualTo(hash);
        assertThat(TableDigests.rowHash(sha, names, Arrays.asList(1, "y"))).isNotEqualTo(hash);
        assertThat(TableDigests.rowHash(sha, names, Arrays.asList("x", 1))).isNotEqualTo(hash);
        assertThat(TableDigests.rowHash(sha, List.of("A", "C"), Arrays.asList(1, "x"))).isNotEqualTo(hash);
        // the length prefix keeps "ab"+"c" and "a"+"bc" apart
        assertThat(TableDigests.rowHash(sha, names, Arrays.asList("ab", "c")))
                .isNotEqualTo(TableDigests.rowHash(sha, names, Arrays.asList("a", "bc")));
        assertThat(TableDigests.rowHash(sha, names, Arrays.asList(1, null))).isNotEqualTo(TableDigests.rowHash(sha, names, Arrays.asList(1, "")));
    }
}

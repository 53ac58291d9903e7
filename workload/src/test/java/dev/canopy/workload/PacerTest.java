package dev.canopy.workload;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void spacesSlotsEvenlyFromTheStart() {
        Pacer pacer = new Pacer(100, 0);
        assertThat(pacer.takeSlot(0)).isZero();
        assertThat(pacer.takeSlot(0)).isEqualTo(10 * MS);
        // a caller that arrives late for a slot goes at once, and the schedule keeps its beat
        assertThat(pacer.takeSlot(25 * MS)).isZero();
        assertThat(pacer.takeSlot(26 * MS)).isEqualTo(4 * MS);
    }

    @Test
    void dropsMissedSlotsInsteadOfBursting() {
        Pacer pacer = new Pacer(100, 0);
        pacer.takeSlot(0);
        // a statement hung for a second: a hundred slots went by
        assertThat(pacer.takeSlot(1_000 * MS)).isZero();
        assertThat(pacer.takeSlot(1_000 * MS)).isEqualTo(10 * MS);
    }
}

package dev.canopy.operator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LeadershipExitTest {

    @Test
    void aLeaderThatLosesItsLeaseExitsUnlessItIsShuttingDown() {
        AtomicInteger exits = new AtomicInteger();
        LeadershipExit leadership = new LeadershipExit(true, exits::incrementAndGet);

        leadership.callbacks().onStopLeading();
        assertThat(exits).as("lost the Lease while running").hasValue(1);

        leadership.shuttingDown();
        leadership.callbacks().onStopLeading();
        assertThat(exits).as("lost it because it shuts down").hasValue(1);
    }

    @Test
    void aReplicaToldNotToExitDoesNot() {
        AtomicInteger exits = new AtomicInteger();
        new LeadershipExit(false, exits::incrementAndGet).callbacks().onStopLeading();
        assertThat(exits).hasValue(0);
    }
}

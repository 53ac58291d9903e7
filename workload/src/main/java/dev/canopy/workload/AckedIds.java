package dev.canopy.workload;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A growing set of ids, appended by writers and sampled by readers. Ids are distinct by construction (each writer
 * has its own sequence and never reuses an id), so a plain array suffices; at a few hundred writes a second, one
 * lock is far from contended.
 */
final class AckedIds {
    private long[] ids = new long[1024];
    private int size;

    synchronized void add(long id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    synchronized int size() {
        return size;
    }

    /** A uniformly chosen id, or -1 when there is none yet (ids are never negative). */
    synchronized long random(RandomGenerator random) {
        return size == 0 ? -1 : ids[random.nextInt(size)];
    }

    synchronized long[] sortedSnapshot() {
        long[] copy = Arrays.copyOf(ids, size);
        Arrays.sort(copy);
        return copy;
    }
}

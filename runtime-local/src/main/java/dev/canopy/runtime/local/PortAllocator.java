package dev.canopy.runtime.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds ports that are free now and not held by any node of this machine's clusters. Ports come from a range below
 * Linux's ephemeral range, so outgoing connections do not take them while a node is down.
 */
final class PortAllocator {
    static final int FIRST = 20_000;
    static final int LAST = 31_999;

    private PortAllocator() {
    }

    static int allocate(String host, Set<Integer> taken) {
        int span = LAST - FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = FIRST + (start + i) % span;
            if (!taken.contains(port) && isFree(host, port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + LAST + " on " + host);
    }

    static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

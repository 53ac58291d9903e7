package dev.canopy.node;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports free on this machine when asked, for the in-JVM nodes of this module's tests. */
final class FreePorts {
    private FreePorts() {
    }

    /** Held together while chosen, so that no two are the same. */
    static int[] take(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}

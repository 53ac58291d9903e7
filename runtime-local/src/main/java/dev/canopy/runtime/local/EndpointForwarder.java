package dev.canopy.runtime.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A cluster's client endpoint on this machine, kept when the aggregators behind it change: it listens on the port
 * clients know and forwards each connection, byte for byte, to the aggregator its target names at connect time. The
 * local runtime's counterpart of a Kubernetes Service: a blue/green switch points it at green's aggregators and closes
 * the connections to blue's, so clients reconnect to green through the same address within milliseconds (an
 * aggregator's own port cannot change hands faster than a node starts, several seconds). One virtual thread per
 * direction of each connection.
 */
public final class EndpointForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointForwarder.class);

    private final String name;
    private final ServerSocket listener;
    private volatile Supplier<InetSocketAddress> target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    /**
     * Listens on host:port now (the port must be free: the aggregator that had it is stopped).
     *
     * @param name for logs, e.g. {@code orders/aggregator-0}
     */
    public EndpointForwarder(String name, String host, int port, Supplier<InetSocketAddress> target) {
        this.name = name;
        this.target = target;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot listen on " + host + ":" + port, e);
        }
        acceptor = Thread.ofPlatform().daemon().name("endpoint-" + name).start(this::accept);
        LOG.info("{}: endpoint {}:{} forwards to {}", name, host, port, target.get());
    }

    /** Whether it still takes connections: false once closed. */
    boolean listening() {
        return !listener.isClosed();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Points new connections at another aggregator and closes the current ones: their clients reconnect to it. */
    public void retarget(Supplier<InetSocketAddress> next) {
        this.target = next;
        int closed = open.size();
        open.forEach(EndpointForwarder::closeQuietly);
        LOG.info("{}: endpoint now forwards to {}; {} connections closed for their clients to reconnect", name, next.get(), closed / 2);
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.warn("{}: accepting a connection failed: {}", name, e.getMessage());
                }
                continue;
            }
            Thread.ofVirtual().name("endpoint-" + name + "-connect").start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        InetSocketAddress to = target.get();
        Socket upstream = new Socket();
        try {
            upstream.connect(to, 5_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.debug("{}: {} unreachable: {}", name, to, e.getMessage());
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
    }

    /** Copies one direction until either side ends; then both sides close, so the client sees the disconnect. */
    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
        } catch (SocketException ignored) {
            // the other direction closed both sides, or a retarget did
        } catch (IOException e) {
            LOG.debug("{}: connection ended: {}", name, e.getMessage());
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    /** Stops listening and closes every forwarded connection. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
        open.forEach(EndpointForwarder::closeQuietly);
        acceptor.interrupt();
        LOG.info("{}: endpoint on port {} closed", name, listener.getLocalPort());
    }
}

package io.mlrollout.core.traffic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook router on loopback that closes its connection after every answer, as small services do: either it speaks
 * HTTP/1.0 (which closes by default, without saying so) or HTTP/1.1 with {@code Connection: close}. A real socket
 * server, not MockWebServer, so the client meets the same closed connections it would in production.
 */
final class ClosingWebhookServer implements AutoCloseable {

    enum Dialect {
        HTTP_1_0,
        CONNECTION_CLOSE
    }

    private static final Pattern CANARY = Pattern.compile("\"canary\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern WEIGHT = Pattern.compile("\"canaryWeight\"\\s*:\\s*(\\d+)");

    private final Dialect dialect;
    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String canary = "none";
    private volatile int weight;

    ClosingWebhookServer(Dialect dialect) throws IOException {
        this.dialect = dialect;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::serve, "closing-webhook-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    int connections() {
        return connections.get();
    }

    int weight() {
        return weight;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connections.incrementAndGet();
                answer(connection);
            } catch (IOException closedOrBroken) {
                // The next accept decides: a closed server socket ends the loop.
            }
        }
    }

    private void answer(Socket connection) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        if (requestLine == null) {
            return;
        }
        int length = 0;
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(
                        header.substring("content-length:".length()).trim());
            }
        }
        char[] body = new char[length];
        for (int read = 0; read < length; ) {
            int got = in.read(body, read, length - read);
            if (got < 0) {
                break;
            }
            read += got;
        }
        if (requestLine.startsWith("PUT ")) {
            String wanted = new String(body);
            Matcher name = CANARY.matcher(wanted);
            Matcher share = WEIGHT.matcher(wanted);
            if (name.find() && share.find()) {
                canary = name.group(1);
                weight = Integer.parseInt(share.group(1));
            }
        }
        String split =
                "{\"baseline\":\"v1\",\"canary\":\"" + canary + "\",\"canaryWeight\":" + weight + ",\"ready\":true}";
        byte[] bytes = split.getBytes(StandardCharsets.UTF_8);
        String head = (dialect == Dialect.HTTP_1_0 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\nConnection: close\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        OutputStream out = connection.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

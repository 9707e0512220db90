package dev.ocs.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/** A tiny HTTP/1.1 server on loopback that misbehaves on purpose: the handler writes raw bytes. */
final class RawServer implements AutoCloseable {
    interface Handler {
        void answer(String requestLine, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    final List<String> requests = new CopyOnWriteArrayList<>();

    RawServer(Handler handler) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket c = socket.accept();
                    Thread t = new Thread(() -> serve(c, handler), "raw-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void serve(Socket c, Handler handler) {
        try (c) {
            InputStream in = c.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) break;
            }
            String requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
            requests.add(requestLine);
            handler.answer(requestLine, c.getOutputStream());
        } catch (IOException | InterruptedException e) {
            // the client went away, or the test ended
        }
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    static void head(OutputStream out, int status, String type, long length) throws IOException {
        out.write(("HTTP/1.1 " + status + " X\r\ncontent-type: " + type + "\r\n"
                + (length >= 0 ? "content-length: " + length + "\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

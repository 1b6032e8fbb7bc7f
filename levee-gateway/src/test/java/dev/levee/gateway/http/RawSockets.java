package dev.levee.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw-socket helpers for the tests where framing and connection handling are what is tested. */
final class RawSockets {
    private RawSockets() {}

    /**
     * Reads until the gateway closes the connection (a reset is a close too); a connection still open when the
     * socket's read timeout passes fails the test.
     */
    static String readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection left open; got: " + got.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException reset) {
            // closed by a reset
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }
}

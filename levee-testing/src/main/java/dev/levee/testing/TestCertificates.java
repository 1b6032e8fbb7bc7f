/*
 * Copyright 2026 The Levee Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.levee.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A throwaway certificate authority and a server certificate it signed, made with the {@code openssl} command line
 * (Debian's {@code openssl} on the PATH), for tests of TLS against a real server ({@link RedisProcess#tls}). The
 * server certificate names {@code 127.0.0.1} and {@code localhost}, so a client that verifies the host name accepts
 * it on either.
 *
 * @param caCert     the CA's certificate (PEM): what a client trusts
 * @param serverCert the server's certificate (PEM), signed by the CA
 * @param serverKey  the server's private key (PEM, unencrypted)
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey) {
    public TestCertificates {
        requireNonNull(caCert, "caCert");
        requireNonNull(serverCert, "serverCert");
        requireNonNull(serverKey, "serverKey");
    }

    /**
     * Generates a CA and a server certificate in a new temporary directory (RSA 2048, valid for 2 days).
     *
     * @param name distinguishes the CA's subject (two sets in one test are two unrelated CAs)
     * @return the files
     */
    public static TestCertificates generate(String name) {
        requireNonNull(name, "name");
        try {
            Path dir = Files.createTempDirectory("levee-certs-" + name);
            Path caKey = dir.resolve("ca.key");
            Path ca = dir.resolve("ca.pem");
            Path key = dir.resolve("server.key");
            Path csr = dir.resolve("server.csr");
            Path cert = dir.resolve("server.pem");
            Path ext = dir.resolve("server.ext");
            Files.writeString(ext, """
                    subjectAltName=IP:127.0.0.1,DNS:localhost
                    basicConstraints=CA:FALSE
                    keyUsage=digitalSignature,keyEncipherment
                    extendedKeyUsage=serverAuth
                    """);
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=Levee test CA " + name, "-keyout", caKey.toString(), "-out", ca.toString());
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key.toString(),
                    "-out", csr.toString());
            openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
            return new TestCertificates(ca, cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl " + args[0] + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: openssl " + args[0], e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + Files.readString(log));
        }
    }
}

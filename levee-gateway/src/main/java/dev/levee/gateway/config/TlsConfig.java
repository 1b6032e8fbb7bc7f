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
package dev.levee.gateway.config;

import dev.levee.core.time.Durations;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.impl.KeyStoreHelper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * {@code server.tls:} once a certificate is set, the public port speaks TLS, with a certificate and key from PEM files ({@code cert-file},
 * {@code key-file}) or from a PKCS#12 keystore ({@code keystore-file}, {@code keystore-password}). The files are
 * read and checked when the config is loaded (an unreadable or wrong key stops start-up with the key path), and
 * again whenever they change ({@code reload-interval}): new handshakes get the new certificate, established
 * connections keep theirs.
 *
 * @param certFile         PEM certificate chain, leaf first
 * @param keyFile          PEM private key of the leaf certificate (PKCS#8, or PKCS#1 RSA / SEC1 EC)
 * @param keystoreFile     PKCS#12 keystore with one private key entry and its chain (instead of the PEM files)
 * @param keystorePassword its password
 * @param reloadInterval   how often the files' modification times are checked; 0 = never reloaded
 * @param protocols        TLS versions offered; only TLSv1.2 and TLSv1.3 are accepted
 * @param cipherSuites     cipher suites for TLS 1.2 and 1.3, in preference order
 */
public record TlsConfig(@Nullable String certFile, @Nullable String keyFile, @Nullable String keystoreFile,
                        @Nullable String keystorePassword, Duration reloadInterval, List<String> protocols,
                        List<String> cipherSuites) {
    /** The TLS versions Levee agrees to speak. */
    static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    public TlsConfig {
        Checks.nonNegative("reload-interval", reloadInterval);
        protocols = List.copyOf(Checks.required("protocols", protocols));
        cipherSuites = List.copyOf(Checks.required("cipher-suites", cipherSuites));
        if (protocols.isEmpty() || !ALLOWED_PROTOCOLS.containsAll(protocols)) {
            throw new ConfigException("protocols: " + protocols + " (expected: some of [TLSv1.2, TLSv1.3])");
        }
        if (cipherSuites.isEmpty()) {
            throw new ConfigException("cipher-suites: [] (expected: at least one cipher suite)");
        }
        List<String> supported = supportedCipherSuites();
        for (String suite : cipherSuites) {
            if (!supported.contains(suite)) {
                throw new ConfigException("cipher-suites: " + suite + " (expected: a cipher suite this JVM supports,"
                        + " such as TLS_AES_128_GCM_SHA256)");
            }
        }
        checkFiles(certFile, keyFile, keystoreFile, keystorePassword);
    }

    private static void checkFiles(@Nullable String certFile, @Nullable String keyFile, @Nullable String keystoreFile,
                                   @Nullable String keystorePassword) {
        boolean pem = certFile != null || keyFile != null;
        if (!pem && keystoreFile == null) {
            return; // cleartext
        }
        if (pem && keystoreFile != null) {
            throw new ConfigException("keystore-file: " + keystoreFile
                    + " (expected: either cert-file and key-file, or keystore-file, not both)");
        }
        if (pem && certFile == null) {
            throw new ConfigException("cert-file: missing (expected: a PEM certificate next to key-file)");
        }
        if (pem && keyFile == null) {
            throw new ConfigException("key-file: missing (expected: a PEM private key next to cert-file)");
        }
        if (keystoreFile != null && keystorePassword == null) {
            throw new ConfigException("keystore-password: missing (expected: the password of keystore-file)");
        }
        // a key or certificate Levee cannot serve stops start-up here, with the key that names it
        load(certFile, keyFile, keystoreFile, keystorePassword);
    }

    /** True once a certificate is configured: the public port then speaks TLS only. */
    public boolean enabled() {
        return certFile != null || keyFile != null || keystoreFile != null;
    }

    /** The files read now: a config error naming the file's key if one is unreadable, malformed or wrong. */
    public Material load() {
        return load(certFile, keyFile, keystoreFile, keystorePassword);
    }

    private static Material load(@Nullable String certFile, @Nullable String keyFile, @Nullable String keystoreFile,
                                 @Nullable String keystorePassword) {
        if (keystoreFile != null) {
            byte[] store = read("keystore-file", keystoreFile, "a readable PKCS#12 file");
            KeyStore ks;
            try {
                ks = KeyStoreHelper.loadKeyStore("PKCS12", null, keystorePassword, () -> Buffer.buffer(store), null);
            } catch (Exception e) {
                throw new ConfigException("keystore-file: " + keystoreFile + " (expected: a PKCS#12 keystore that "
                        + "keystore-password opens: " + e.getMessage() + ")", e);
            }
            X509Certificate leaf = checkKeyPair(ks, keystorePassword == null ? new char[0]
                    : keystorePassword.toCharArray(), "keystore-file", keystoreFile);
            return new Material(null, null, store, leaf);
        }
        String cf = java.util.Objects.requireNonNull(certFile, "certFile");
        String kf = java.util.Objects.requireNonNull(keyFile, "keyFile");
        byte[] cert = read("cert-file", cf, "a readable PEM certificate file");
        byte[] key = read("key-file", kf, "a readable PEM private key file");
        Collection<? extends Certificate> chain;
        try {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(cert));
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cert-file: " + cf + " (expected: PEM certificates: " + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new ConfigException("cert-file: " + cf + " (expected: at least one PEM certificate)");
        }
        if (!new String(key, StandardCharsets.US_ASCII).contains("PRIVATE KEY-----")) {
            throw new ConfigException("key-file: " + kf + " (expected: a PEM private key, -----BEGIN PRIVATE KEY-----)");
        }
        KeyStore ks;
        try {
            ks = KeyStoreHelper.loadKeyCert(List.of(Buffer.buffer(key)), List.of(Buffer.buffer(cert)));
        } catch (Exception e) {
            throw new ConfigException("key-file: " + kf + " (expected: a PEM private key, PKCS#8 or PKCS#1/SEC1: "
                    + e.getMessage() + ")", e);
        }
        X509Certificate leaf = checkKeyPair(ks, KeyStoreHelper.DUMMY_PASSWORD.toCharArray(), "key-file", kf);
        return new Material(cert, key, null, leaf);
    }

    /** What was read: the PEM pair or the keystore (as the server takes them), and the leaf certificate. */
    public static final class Material {
        private final byte @Nullable [] cert;
        private final byte @Nullable [] key;
        private final byte @Nullable [] keystore;
        private final X509Certificate leaf;

        Material(byte @Nullable [] cert, byte @Nullable [] key, byte @Nullable [] keystore, X509Certificate leaf) {
            this.cert = cert;
            this.key = key;
            this.keystore = keystore;
            this.leaf = leaf;
        }

        /** The PEM certificate chain; null for a keystore. */
        public @Nullable Buffer cert() {
            return cert == null ? null : Buffer.buffer(cert);
        }

        /** The PEM private key; null for a keystore. */
        public @Nullable Buffer key() {
            return key == null ? null : Buffer.buffer(key);
        }

        /** The PKCS#12 keystore; null for a PEM pair. */
        public @Nullable Buffer keystore() {
            return keystore == null ? null : Buffer.buffer(keystore);
        }

        public X509Certificate leaf() {
            return leaf;
        }

        /** The same files, byte for byte. */
        public boolean sameAs(Material other) {
            return Arrays.equals(cert, other.cert) && Arrays.equals(key, other.key)
                    && Arrays.equals(keystore, other.keystore);
        }

        /** Subject, serial and expiry of the leaf, for the log. */
        public String describe() {
            return leaf.getSubjectX500Principal().getName() + " serial " + leaf.getSerialNumber().toString(16)
                    + " valid until " + leaf.getNotAfter().toInstant();
        }

        @Override
        public String toString() {
            return "Material[" + describe() + "]";
        }
    }

    /** The files to watch for changes. */
    public List<Path> files() {
        return keystoreFile != null ? List.of(Path.of(keystoreFile))
                : List.of(Path.of(java.util.Objects.requireNonNull(certFile, "certFile")),
                        Path.of(java.util.Objects.requireNonNull(keyFile, "keyFile")));
    }

    @Override
    public String toString() { // never the password
        return "TlsConfig[cert-file=" + certFile + ", key-file=" + keyFile + ", keystore-file=" + keystoreFile
                + ", reload-interval=" + Durations.format(reloadInterval) + ", protocols=" + protocols + "]";
    }

    private static byte[] read(String key, String file, String expected) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(key + ": " + file + " (expected: " + expected + "; " + e + ")", e);
        }
    }

    /**
     * The key entry's certificate, after proving the key is its private key (a signature the certificate's public
     * key verifies): a key that belongs to another certificate would load, and fail every handshake.
     */
    private static X509Certificate checkKeyPair(KeyStore ks, char[] password, String key, String file) {
        try {
            Enumeration<String> aliases = ks.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (!ks.isKeyEntry(alias) || !(ks.getKey(alias, password) instanceof PrivateKey pk)
                        || !(ks.getCertificate(alias) instanceof X509Certificate leaf)) {
                    continue;
                }
                if (!matches(pk, leaf.getPublicKey())) {
                    throw new ConfigException(key + ": " + file + " (expected: the private key of the certificate "
                            + leaf.getSubjectX500Principal().getName() + "; this key belongs to another one)");
                }
                return leaf;
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": " + file + " (expected: a usable private key: " + e.getMessage() + ")",
                    e);
        }
        throw new ConfigException(key + ": " + file + " (expected: a private key with its certificate)");
    }

    private static boolean matches(PrivateKey pk, PublicKey pub) throws GeneralSecurityException {
        String algorithm = switch (pk.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> throw new NoSuchAlgorithmException("keys of type " + pk.getAlgorithm() + " are not supported");
        };
        if (!pk.getAlgorithm().equals(pub.getAlgorithm())
                && !(pk.getAlgorithm().startsWith("Ed") && pub.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        byte[] probe = "levee tls key check".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(pk);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(pub);
        verify.update(probe);
        return verify.verify(signature);
    }

    private static List<String> supportedCipherSuites() {
        try {
            return List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}

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
package dev.levee.gateway.http;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.impl.ConnectionBase;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The first stage of every request: refuses what RFC 9112 calls invalid, and what lets a request mean one thing
 * here and another to the upstream (a second identity, a target naming another host), before anything else reads
 * it.
 *
 * <p>What is refused, each with a JSON error and {@code Connection: close} (the bytes after a bad request cannot be
 * trusted to start the next one; a request pipelined behind it is dropped): two {@code Host} or
 * {@code Authorization} headers; a {@code Content-Length} that is not a number; an HTTP/1.1 request without
 * {@code Host} or with a malformed one; a control character (NUL, bare CR or LF) in the target or in a header
 * value; more than {@code server.max-headers} header fields (431); an absolute-form target (this is a reverse
 * proxy: a target naming another host would reach the upstream with a host the client chose); {@code TRACE} and
 * {@code CONNECT} (405). Body framing (Content-Length versus Transfer-Encoding) is refused earlier, while the
 * request is parsed, by the {@link StrictRequestDecoder}; over-long request lines (414) and header blocks (431) by
 * the decoder's own limits.
 *
 * <p>HTTP/2 streams pass the same checks, with the host taken from {@code :authority} (see {@link #authority});
 * a refused stream gets its error without closing the connection, whose other streams are other requests.
 * Content-Length versus DATA frames, connection-specific headers and malformed pseudo-headers are refused by
 * Netty's HTTP/2 codec before the stream reaches us (the stream is reset).
 *
 * <p>{@code Expect: 100-continue}: 413 (and close) here when the declared body is over {@code server.max-body-size};
 * any other expectation gets 417. The {@code 100 Continue} itself is sent where the body starts being read
 * ({@link Bodies#continueIfExpected}), so a request refused before that (401, a shed class) gets its final status
 * instead and its client never sends the body.
 */
public final class RequestGuard implements Handler<HttpServerRequest> {
    /** Headers of which a second copy would let the upstream read another value than the one checked here. */
    private static final List<String> SINGLETONS = List.of("Host", "Authorization");

    private final Handler<HttpServerRequest> next;
    private final int maxHeaders;
    private final long maxBodyBytes;
    private final HttpServerOptions options;
    private final long headerTimeoutNanos;
    /** Connections answered with an error and being closed: a request pipelined behind the bad one is dropped. */
    private final Set<HttpConnection> closing = ConcurrentHashMap.newKeySet();

    /** @param headerTimeout a connection whose next request head takes longer is closed ({@link HeaderTimeout}) */
    public RequestGuard(Handler<HttpServerRequest> next, int maxHeaders, long maxBodyBytes,
                        HttpServerOptions options, Duration headerTimeout) {
        this.next = requireNonNull(next, "next");
        if (maxHeaders <= 0) {
            throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: > 0)");
        }
        this.maxHeaders = maxHeaders;
        this.maxBodyBytes = maxBodyBytes;
        this.options = requireNonNull(options, "options");
        this.headerTimeoutNanos = requireNonNull(headerTimeout, "headerTimeout").toNanos();
        if (headerTimeoutNanos <= 0) {
            throw new IllegalArgumentException("headerTimeout: " + headerTimeout + " (expected: > 0)");
        }
    }

    /**
     * An HTTP server with the options this guard was made with, whose requests pass this guard and whose HTTP/1.x
     * connections get the strict decoder and the header timeout before their first request is read (on a cleartext
     * port with h2c, through {@link CleartextServers} and the {@link H2cSniffer}).
     */
    public HttpServer createServer(Vertx vertx) {
        HttpServer server = options.isHttp2ClearTextEnabled() && !options.isSsl()
                ? CleartextServers.create(vertx, options, pipeline -> pipeline.addBefore(
                        pipeline.context(Http1xOrH2CHandler.class).name(), H2cSniffer.NAME,
                        new H2cSniffer(this::installHttp1)))
                : vertx.createHttpServer(options);
        return server.connectionHandler(this::accept).requestHandler(this);
    }

    /**
     * A connection handler: installs the strict decoder (see {@link StrictRequestDecoder}) and the header timeout
     * (see {@link HeaderTimeout}) on a new HTTP/1.x connection, unless they are in already; HTTP/2 connections have
     * neither (their framing is HTTP/2's, checked by Netty's codec).
     */
    void accept(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            installHttp1(base.channelHandlerContext().pipeline());
        }
    }

    private void installHttp1(ChannelPipeline pipeline) {
        StrictRequestDecoder.install(pipeline, options);
        HeaderTimeout.install(pipeline, headerTimeoutNanos);
    }

    @Override
    public void handle(HttpServerRequest request) {
        boolean h2 = request.version() == HttpVersion.HTTP_2;
        if (!h2 && closing.contains(request.connection())) {
            return;
        }
        HttpError refused = check(request);
        if (refused != null) {
            refuse(request, refused);
            return;
        }
        String expect = request.getHeader("Expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                refuse(request, HttpError.of(417, "Only Expect: 100-continue is supported"));
                return;
            }
            String length = request.getHeader("Content-Length");
            if (length != null && Long.parseLong(length) > maxBodyBytes) {
                refuse(request, HttpError.payloadTooLarge(maxBodyBytes));
                return;
            }
        }
        next.handle(h2 ? new Http2Request(request) : request);
    }

    /** The error {@code request} must get, or null when it may go on. */
    @Nullable HttpError check(HttpServerRequest request) {
        HttpMethod method = request.method();
        if (HttpMethod.TRACE.equals(method) || HttpMethod.CONNECT.equals(method)) {
            return HttpError.of(405, "Method " + method.name() + " not allowed");
        }
        String target = request.uri();
        if (!(target.startsWith("/") || (target.equals("*") && HttpMethod.OPTIONS.equals(method)))) {
            return HttpError.of(400, "Request target must be a path (origin-form)");
        }
        if (!every(target, RequestGuard::targetChar)) {
            return HttpError.of(400, "Invalid character in request target");
        }
        MultiMap headers = request.headers();
        int fields = 0;
        for (Map.Entry<String, String> h : headers) {
            if (++fields > maxHeaders) {
                return HttpError.of(431, "Too many request headers (at most " + maxHeaders + ")");
            }
            if (!every(h.getValue(), RequestGuard::fieldValueChar)) {
                return HttpError.of(400, "Invalid character in header " + h.getKey());
            }
        }
        for (String name : SINGLETONS) {
            if (headers.getAll(name).size() > 1) {
                return HttpError.of(400, "More than one " + name + " header");
            }
        }
        String length = headers.get("Content-Length");
        if (length != null && (length.isEmpty() || length.length() > 18 || !every(length, c -> c >= '0' && c <= '9'))) {
            return HttpError.of(400, "Content-Length must be a non-negative number");
        }
        String host = headers.get("Host");
        if (request.version() == HttpVersion.HTTP_2) {
            HttpError refused = authority(request, host);
            if (refused != null) {
                return refused;
            }
            host = headers.get("Host");
        }
        if (request.version() == HttpVersion.HTTP_1_1 && host == null) {
            return HttpError.of(400, "Missing Host header");
        }
        if (host != null && (host.isEmpty() || host.length() > 255 || !every(host, RequestGuard::hostChar))) {
            return HttpError.of(400, "Malformed Host header");
        }
        return null;
    }

    /**
     * HTTP/2: the host is the {@code :authority} pseudo-header (RFC 9113 8.3.1). A {@code Host} header that names
     * another one is refused (the upstream, which gets HTTP/1.1, would read the Host); without a Host header, one
     * is set from {@code :authority}, as a proxy that forwards HTTP/2 as HTTP/1.1 must, so every stage reads the
     * host the same way on both versions. Pseudo-headers themselves never reach the header map the stages see. A
     * stream that ended with its headers gets {@code Content-Length: 0}, so "no body" reads as on HTTP/1.1.
     */
    private static @Nullable HttpError authority(HttpServerRequest request, @Nullable String host) {
        HostAndPort authority = request.authority();
        if (authority == null) {
            return host == null ? HttpError.of(400, "Missing :authority") : null;
        }
        String value = authority.port() >= 0 ? hostLiteral(authority.host()) + ":" + authority.port()
                : hostLiteral(authority.host());
        if (host == null) {
            request.headers().set("Host", value);
        } else if (!host.equalsIgnoreCase(value)) {
            return HttpError.of(400, "Host header differs from :authority");
        }
        if (!request.headers().contains("Content-Length") && Http2Request.endedWithHeaders(request)) {
            // no DATA frame follows: the body is empty, said in the HTTP/1.1 way the stages read (Bodies#hasBody)
            request.headers().set("Content-Length", "0");
        }
        return null;
    }

    private static String hostLiteral(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private void refuse(HttpServerRequest request, HttpError error) {
        if (request.version() == HttpVersion.HTTP_2) {
            // one stream is refused, not the connection: its other streams are other requests. Connection-specific
            // headers do not exist in HTTP/2; a body still arriving is cut by resetting the stream.
            HttpServerResponse response = request.response();
            if (response.headWritten()) {
                response.reset();
                return;
            }
            response.setStatusCode(error.status())
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(JsonResponses.toBuffer(error.body()))
                    .onComplete(v -> {
                        if (!request.isEnded()) {
                            response.reset();
                        }
                    });
            return;
        }
        HttpConnection connection = request.connection();
        closing.add(connection);
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            connection.close().onComplete(v -> closing.remove(connection));
            return;
        }
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Connection", "close")
                .end(JsonResponses.toBuffer(error.body()))
                .onComplete(v -> connection.close().onComplete(c -> closing.remove(connection)));
    }

    private static boolean every(String s, CharPredicate ok) {
        for (int i = 0; i < s.length(); i++) {
            if (!ok.test(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private interface CharPredicate {
        boolean test(char c);
    }

    /** Request target: visible ASCII, no space or control character. */
    private static boolean targetChar(char c) {
        return c > 0x20 && c < 0x7f;
    }

    /** RFC 9110 field-value: visible characters, spaces, tabs and obs-text; no NUL, CR, LF or other controls. */
    private static boolean fieldValueChar(char c) {
        return (c >= 0x20 || c == '\t') && c != 0x7f;
    }

    /** {@code host[:port]}: a registered name, IPv4 or bracketed IPv6 literal, and an optional numeric port. */
    private static boolean hostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
    }
}

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
package dev.levee.gateway.upstream;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import org.jspecify.annotations.Nullable;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Header rules for forwarding: hop-by-hop headers (RFC 9110 7.6.1) stay on their hop, and the forwarding headers
 * ({@code X-Forwarded-*}, {@code Forwarded}) are the gateway's own, written from the connection.
 *
 * <p>Why the client's forwarding headers are dropped: an upstream that reflects {@code X-Forwarded-Host} or
 * {@code X-Original-URL} into its answer would let one client write what the shared cache serves everyone, and an
 * upstream that trusts {@code X-Forwarded-For} would believe any address a client claims. They pass only from a
 * peer listed in {@code server.trusted-proxies} (a load balancer in front of the gateway), whose chain is kept and
 * extended.
 */
public final class ProxyHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "http2-settings");
    /** Headers by which a client could tell the upstream where or what it asked for, other than the request line. */
    private static final List<String> FORWARDING = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Proto", "X-Forwarded-Server", "X-Forwarded-Scheme",
            "X-Real-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host", "X-Host", "X-HTTP-Method-Override",
            "X-HTTP-Method", "X-Method-Override");

    private static final Set<String> HOP_BY_HOP_ANY_CASE = anyCase(HOP_BY_HOP);
    private static final Set<String> HOST = anyCase(List.of("Host"));
    private static final Set<String> HOST_AND_FORWARDING = anyCase(
            Stream.concat(Stream.of("Host"), FORWARDING.stream()).toList());

    private final List<IpSubnetFilterRule> trusted;

    /** An immutable set whose {@code contains} ignores case, without a lower-cased copy of the name asked about. */
    private static Set<String> anyCase(Collection<String> names) {
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return Collections.unmodifiableSet(set);
    }

    /** @param trustedProxies addresses ({@code 10.0.0.7}) or CIDR blocks ({@code 10.0.0.0/8}) whose forwarding headers are kept */
    public ProxyHeaders(List<String> trustedProxies) {
        requireNonNull(trustedProxies, "trustedProxies");
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : trustedProxies) {
            rules.add(rule(entry));
        }
        this.trusted = List.copyOf(rules);
    }

    /** Parses one trusted-proxy entry; throws IllegalArgumentException naming it when it is not an address or CIDR. */
    public static IpSubnetFilterRule rule(String entry) {
        requireNonNull(entry, "entry");
        String s = entry.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        try {
            boolean v6 = address.contains(":");
            int prefix = slash < 0 ? (v6 ? 128 : 32) : Integer.parseInt(s.substring(slash + 1));
            if (!address.matches("[0-9a-fA-F.:]+")) { // a host name would mean a DNS lookup per config load
                throw new IllegalArgumentException("not an address");
            }
            return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + entry + "' (expected: an IP address or CIDR block such as "
                    + "10.0.0.0/8)", e);
        }
    }

    /** Copies {@code from} into {@code to}, leaving out hop-by-hop headers and those named by Connection. */
    public static void copyEndToEnd(MultiMap from, MultiMap to) {
        copy(from, to, null);
    }

    /**
     * {@link #copyEndToEnd}, also leaving out the names in {@code dropped} (case-insensitive). Runs twice per
     * proxied request and once per fetch: the names are compared as they are, without a lower-cased copy of each
     * or of the hop-by-hop set, unless a Connection header names more.
     */
    private static void copy(MultiMap from, MultiMap to, @Nullable Set<String> dropped) {
        @Nullable Set<String> named = null; // lower case: what Connection lists
        if (from.contains("Connection")) {
            named = new HashSet<>();
            for (String connection : from.getAll("Connection")) {
                for (String token : connection.split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        for (var e : from) {
            String name = e.getKey();
            if (HOP_BY_HOP_ANY_CASE.contains(name) || dropped != null && dropped.contains(name)
                    || named != null && named.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            to.add(name, e.getValue());
        }
    }

    /** Whether the request came straight from a trusted proxy, whose forwarding headers are kept. */
    public boolean fromTrustedProxy(HttpServerRequest request) {
        if (trusted.isEmpty() || request.remoteAddress() == null || request.remoteAddress().hostAddress() == null) {
            return false;
        }
        InetSocketAddress peer = new InetSocketAddress(request.remoteAddress().hostAddress(),
                request.remoteAddress().port());
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(peer)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request headers to send upstream: end-to-end headers, without the client's forwarding headers (unless it
     * is a trusted proxy), plus X-Forwarded-For/-Proto/-Host written from the connection.
     */
    public MultiMap forRequest(HttpServerRequest request) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        boolean trustedPeer = fromTrustedProxy(request);
        // the Host header is the upstream's own; an untrusted client's forwarding headers are not passed on
        copy(request.headers(), out, trustedPeer ? HOST : HOST_AND_FORWARDING);
        String prior = trustedPeer ? request.getHeader("X-Forwarded-For") : null;
        String client = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (client != null) {
            out.set("X-Forwarded-For", prior == null || prior.isBlank() ? client : prior + ", " + client);
        }
        if (!trustedPeer || !out.contains("X-Forwarded-Proto")) {
            out.set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        }
        if (!trustedPeer || !out.contains("X-Forwarded-Host")) {
            String host = request.getHeader("Host"); // RequestGuard let through only one, well-formed
            if (host != null) {
                out.set("X-Forwarded-Host", host);
            }
        }
        return out;
    }
}

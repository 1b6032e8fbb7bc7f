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
package dev.levee.gateway.readpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the upstream says about caching (Cache-Control, Vary), query order, credential headers and hot-spot key
 * spellings, through the real gateway against a real upstream, on a manual clock. The upstream answers with the
 * Cache-Control and Vary given as {@code ?cc=} and {@code ?vary=}, and echoes what it received.
 */
class CacheSemanticsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualTicker time = new ManualTicker();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Queue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    private volatile boolean hold;

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(this::mountUpstream)
            .features(List.of(HotSpotFeature::new, ReadPathFeature::new))
            .ticker(time).scheduler(time)
            .config("""
                    routes:
                      - path: /api/c/
                        public: true
                        cache: { fresh: 30s, stale: 0s }
                        coalesce: { max-wait: 30s }
                      - path: /api/route-wins/
                        public: true
                        cache: { fresh: 30s, stale: 0s, honor-upstream-cache-control: false }
                      - path: /api/mine/
                        identity-headers: [X-Partner-Key]
                        cache: { fresh: 30s, stale: 0s }
                        coalesce: { max-wait: 30s }
                      - path: /api/v3/fixtures/odds
                        public: true
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 60s, queue: 0, max-wait: 1s }
                      - path: /api/v3/fixtures
                        public: true
                        hot-spot: { key: "path:3", limit: 5, window: 60s, queue: 0, max-wait: 1s }
                    """)
            .build();

    private void mountUpstream(Router r) {
        r.route("/api/*").handler(ctx -> {
            int n = calls.computeIfAbsent(ctx.request().uri(), k -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            ctx.put("n", n);
            if (hold) {
                held.add(ctx);
            } else {
                answer(ctx);
            }
        });
    }

    private static void answer(RoutingContext ctx) {
        var req = ctx.request();
        JsonObject body = new JsonObject()
                .put("uri", req.uri())
                .put("n", (int) ctx.get("n"))
                .put("lang", req.getHeader("Accept-Language"))
                .put("api_key", req.getHeader("X-Api-Key"))
                .put("partner_key", req.getHeader("X-Partner-Key"))
                .put("lang_params", req.params().getAll("lang"));
        var resp = ctx.response().putHeader("Content-Type", "application/json")
                .putHeader(RoutePipeline.VARY_TAG, "forged-by-upstream");
        String cc = req.getParam("cc");
        if (cc != null) {
            resp.putHeader("Cache-Control", cc);
        }
        String vary = req.getParam("vary");
        if (vary != null) {
            resp.putHeader("Vary", vary);
        }
        resp.end(body.encode());
    }

    private void release() {
        hold = false;
        RoutingContext ctx;
        while ((ctx = held.poll()) != null) {
            answer(ctx);
        }
    }

    private int calls(String upstreamUri) {
        AtomicInteger c = calls.get(upstreamUri);
        return c == null ? 0 : c.get();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String xCache(HttpResponse<String> r) {
        return r.headers().firstValue("X-Cache").orElse("none");
    }

    private static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private CompletableFuture<HttpResponse<String>> async(String uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(uri)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gw.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String rawExchange(String raw) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(10_000); // the answer closes the connection (Connection: close); a margin for a busy box
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private RoutePipeline pipeline(String route) {
        return gw.gateway().feature(ReadPathFeature.class).pipeline(route);
    }

    @Test
    void responsesTheUpstreamForbidsToStoreAreFetchedEveryTime() throws Exception {
        for (String cc : List.of("no-store", "private", "no-cache", "max-age=0", "Public, NO-STORE",
                "s-maxage=0, max-age=60", "no-cache=\"Set-Cookie\"")) {
            String uri = "/api/c/forbid?cc=" + enc(cc);
            HttpResponse<String> first = gw.get(uri);
            HttpResponse<String> second = gw.get(uri);
            assertThat(first.statusCode()).as(cc).isEqualTo(200);
            assertThat(xCache(first)).as(cc).isEqualTo("MISS");
            assertThat(xCache(second)).as(cc).isEqualTo("MISS");
            assertThat(body(second).get("n").asInt()).as(cc).isEqualTo(2);
            assertThat(second.headers().firstValue("Cache-Control")).as(cc).hasValue(cc);
        }
        // matched per directive: these allow storing
        for (String cc : List.of("no-store-foo", "public, max-age=60", "x-private")) {
            String uri = "/api/c/allow?cc=" + enc(cc);
            assertThat(xCache(gw.get(uri))).as(cc).isEqualTo("MISS");
            assertThat(xCache(gw.get(uri))).as(cc).isEqualTo("HIT");
        }
    }

    @Test
    void sMaxAgeOverMaxAgeShortensFreshButAnUpstreamNeverLengthensIt() throws Exception {
        String shortened = "/api/c/s?cc=" + enc("max-age=60, s-maxage=10");
        assertThat(xCache(gw.get(shortened))).isEqualTo("MISS");
        time.advance(Duration.ofSeconds(9));
        assertThat(xCache(gw.get(shortened))).isEqualTo("HIT");
        time.advance(Duration.ofSeconds(2)); // 11 s: past s-maxage, long before the route's 30 s
        assertThat(xCache(gw.get(shortened))).isEqualTo("MISS");

        String longer = "/api/c/l?cc=" + enc("max-age=3600");
        assertThat(xCache(gw.get(longer))).isEqualTo("MISS");
        time.advance(Duration.ofSeconds(29));
        assertThat(xCache(gw.get(longer))).isEqualTo("HIT");
        time.advance(Duration.ofSeconds(2)); // 31 s: the route's fresh is the most
        assertThat(xCache(gw.get(longer))).isEqualTo("MISS");
    }

    @Test
    void aRouteCanLetItsOwnTimesWinButNeverIgnoresVary() throws Exception {
        String noStore = "/api/route-wins/x?cc=no-store";
        assertThat(xCache(gw.get(noStore))).isEqualTo("MISS");
        assertThat(xCache(gw.get(noStore))).isEqualTo("HIT");
        String star = "/api/route-wins/x?vary=*";
        assertThat(xCache(gw.get(star))).isEqualTo("MISS");
        assertThat(xCache(gw.get(star))).isEqualTo("MISS");
    }

    @Test
    void varyStarIsNeverStoredNorSharedWithCoalescedWaiters() throws Exception {
        String uri = "/api/c/star?vary=*";
        assertThat(xCache(gw.get(uri))).isEqualTo("MISS");
        assertThat(xCache(gw.get(uri))).isEqualTo("MISS");
        assertThat(calls(uri)).isEqualTo(2);

        hold = true;
        var a = async(uri);
        var b = async(uri);
        await().until(() -> pipeline("/api/c/").coalescer.stats().currentWaiters() == 2);
        release();
        assertThat(a.join().statusCode()).isEqualTo(200);
        assertThat(b.join().statusCode()).isEqualTo(200);
        assertThat(calls(uri)).isEqualTo(4); // the waiter fetched for itself
        assertThat(body(a.join()).get("n").asInt()).isNotEqualTo(body(b.join()).get("n").asInt());
    }

    @Test
    void varyAcceptLanguageGivesEachLanguageItsOwnVariant() throws Exception {
        String uri = "/api/c/lang?vary=Accept-Language";
        HttpResponse<String> en = gw.get(uri, "Accept-Language", "en");
        HttpResponse<String> de = gw.get(uri, "Accept-Language", "de");
        assertThat(body(en).get("lang").asText()).isEqualTo("en");
        assertThat(body(de).get("lang").asText()).isEqualTo("de");
        assertThat(en.headers().firstValue(RoutePipeline.VARY_TAG)).isEmpty(); // internal, and the upstream's dropped
        // from now on each language is its own entry
        HttpResponse<String> en2 = gw.get(uri, "Accept-Language", "en");
        HttpResponse<String> en3 = gw.get(uri, "Accept-Language", "en");
        HttpResponse<String> de2 = gw.get(uri, "Accept-Language", "de");
        HttpResponse<String> de3 = gw.get(uri, "Accept-Language", "de");
        assertThat(body(en2).get("lang").asText()).isEqualTo("en");
        assertThat(body(de2).get("lang").asText()).isEqualTo("de");
        assertThat(xCache(en3)).isEqualTo("HIT");
        assertThat(xCache(de3)).isEqualTo("HIT");
        assertThat(body(en3).get("lang").asText()).isEqualTo("en");
        assertThat(body(de3).get("lang").asText()).isEqualTo("de");
        // en's first answer was stored before its Vary was known: en asks once more, under its own key now
        assertThat(calls(uri)).isEqualTo(3);

        // a cold resource: en and de coalesce on one flight (the Vary is not known yet); the other gets its own
        String cold = "/api/c/lang-cold?vary=Accept-Language";
        hold = true;
        var enCold = async(cold, "Accept-Language", "en");
        var deCold = async(cold, "Accept-Language", "de");
        await().until(() -> pipeline("/api/c/").coalescer.stats().currentWaiters() == 2);
        release();
        assertThat(body(enCold.join()).get("lang").asText()).isEqualTo("en");
        assertThat(body(deCold.join()).get("lang").asText()).isEqualTo("de");
        assertThat(calls(cold)).isEqualTo(2);
    }

    @Test
    void repeatedQueryValuesKeepTheirOrderInTheKey() throws Exception {
        HttpResponse<String> enDe = gw.get("/api/c/q?lang=en&lang=de");
        HttpResponse<String> deEn = gw.get("/api/c/q?lang=de&lang=en");
        assertThat(body(enDe).get("lang_params").toString()).isEqualTo("[\"en\",\"de\"]");
        assertThat(body(deEn).get("lang_params").toString()).isEqualTo("[\"de\",\"en\"]");
        assertThat(xCache(deEn)).isEqualTo("MISS");
        // other parameters may move and encodings differ: the same request for the upstream, one key
        HttpResponse<String> moved = gw.get("/api/c/q?x=1&lang=en&lang=%64e");
        HttpResponse<String> moved2 = gw.get("/api/c/q?lang=en&x=1&lang=de");
        assertThat(xCache(moved)).isEqualTo("MISS");
        assertThat(xCache(moved2)).isEqualTo("HIT");
        assertThat(body(moved2).get("lang_params").toString()).isEqualTo("[\"en\",\"de\"]");
        // what is forwarded: the canonical path, the query as the client wrote it
        assertThat(body(gw.get("/api/c/./q/../q?lang=en;x")).get("uri").asText()).isEqualTo("/api/c/q?lang=en;x");
        // malformed percent-encoding: refused, not keyed by a guess (the JDK client will not send it: a raw socket)
        String malformed = rawExchange("GET /api/c/q?lang=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(malformed).startsWith("HTTP/1.1 400").contains("Malformed query string");
        assertThat(calls.keySet()).noneMatch(u -> u.contains("%zz"));
    }

    @Test
    void everyCredentialHeaderSeparatesCallersOnANonPublicRoute() throws Exception {
        String uri = "/api/mine/data";
        HttpResponse<String> a = gw.get(uri, "X-Api-Key", "key-a");
        HttpResponse<String> b = gw.get(uri, "X-Api-Key", "key-b");
        HttpResponse<String> a2 = gw.get(uri, "X-Api-Key", "key-a");
        assertThat(body(a).get("api_key").asText()).isEqualTo("key-a");
        assertThat(body(b).get("api_key").asText()).isEqualTo("key-b");
        assertThat(xCache(b)).isEqualTo("MISS");
        assertThat(xCache(a2)).isEqualTo("HIT");
        assertThat(body(a2).get("api_key").asText()).isEqualTo("key-a");
        // the route's own credential header
        HttpResponse<String> p1 = gw.get(uri, "X-Partner-Key", "p1");
        HttpResponse<String> p2 = gw.get(uri, "X-Partner-Key", "p2");
        assertThat(body(p2).get("partner_key").asText()).isEqualTo("p2");
        assertThat(xCache(p2)).isEqualTo("MISS");
        assertThat(body(p1).get("partner_key").asText()).isEqualTo("p1");

        // never one coalesced flight for two keys
        String cold = "/api/mine/cold";
        hold = true;
        var ca = async(cold, "X-Api-Key", "key-a");
        var cb = async(cold, "X-Api-Key", "key-b");
        await().until(() -> calls(cold) == 2);
        release();
        assertThat(body(ca.join()).get("api_key").asText()).isEqualTo("key-a");
        assertThat(body(cb.join()).get("api_key").asText()).isEqualTo("key-b");
    }

    @Test
    void aPrivateAnswerIsNotHandedToCoalescedWaitersOfAPublicRoute() throws Exception {
        String uri = "/api/c/priv?cc=private";
        hold = true;
        var a = async(uri);
        var b = async(uri);
        await().until(() -> pipeline("/api/c/").coalescer.stats().currentWaiters() == 2);
        release();
        assertThat(a.join().statusCode()).isEqualTo(200);
        assertThat(b.join().statusCode()).isEqualTo(200);
        assertThat(calls(uri)).isEqualTo(2);
    }

    @Test
    void everySpellingOfOneFixtureCountsAgainstOneHotSpotKey() throws Exception {
        List<String> spellings = List.of(
                "/api/v3/fixtures/odds?fixture_id=190",
                "/api/v3/fixtures/odds?fixture%5Fid=19%30",
                "/api/v3/fixtures/odds?fixture_id=190+",
                "/api/v3/fixtures/odds?fixture_id=%20190",
                "/api/v3/fixtures/odds?x=1&fixture_id=190",
                "/api/v3/fixtures/odds/?fixture_id=190",
                "/api/v3/fixtures/odds/x?fixture_id=190",
                "/api/v3/fixtures/%6Fdds?fixture_id=190",
                "//api/v3/fixtures/odds?fixture_id=190",
                "/api/v3/fixtures/./odds?fixture_id=190",
                "/api/v3/x/../fixtures/odds?fixture_id=190",
                "/api/v3/fixtures/odds?fixture_id=190&fixture_id=191");
        assertSpellingsShareOneQuota(spellings, "190");

        List<String> paths = List.of(
                "/api/v3/fixtures/777",
                "/api/v3/fixtures/77%37",
                "/api/v3/fixtures/777/",
                "/api/v3/fixtures/777/x",
                "/api/v3//fixtures/777",
                "/api/v3/fixtures/./777",
                "/api/%76%33/fixtures/777",
                "/api/v3/fixtures/777?a=1",
                "/api/v3/fixtures/777/x/y",
                "/api/v3/x/../fixtures/777");
        assertSpellingsShareOneQuota(paths, "777");
    }

    private void assertSpellingsShareOneQuota(List<String> spellings, String key) throws Exception {
        int before = total.get();
        List<Integer> statuses = new ArrayList<>();
        for (String s : spellings) {
            HttpResponse<String> r = gw.get(s);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertThat(body(r).get("key").asText()).as(s).isEqualTo(key);
            }
        }
        assertThat(total.get() - before).as(statuses.toString()).isEqualTo(5); // the limit, whatever the spelling
        assertThat(statuses.stream().filter(c -> c == 200).count()).isEqualTo(5);
        assertThat(statuses.stream().filter(c -> c == 429).count()).isEqualTo(spellings.size() - 5);
    }
}

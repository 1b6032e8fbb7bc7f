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
package dev.levee.spring;

import static java.util.Objects.requireNonNull;

import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.Durations;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Applies {@link Coalesced}, {@link Cached} and {@link HotSpot} to Spring beans' methods. Keys are the method plus
 * the SpEL value, so two methods with equal arguments never share a result.
 */
@Aspect
public final class LeveeAspect {
    /** What a coalescer and the cache key by: the method and the evaluated key. */
    record MethodKey(String method, @Nullable Object key) {}

    private final RequestCoalescer<Object, Object> coalescer;
    private final SwrCache<Object, Object> cache;
    private final LeveeHotSpots hotSpots;
    private final Executor loaders;
    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
    private final Map<String, Expression> expressions = new ConcurrentHashMap<>();
    private final Map<Method, CachePolicy> policies = new ConcurrentHashMap<>();

    LeveeAspect(RequestCoalescer<Object, Object> coalescer, SwrCache<Object, Object> cache, LeveeHotSpots hotSpots,
                Executor loaders) {
        this.coalescer = requireNonNull(coalescer, "coalescer");
        this.cache = requireNonNull(cache, "cache");
        this.hotSpots = requireNonNull(hotSpots, "hotSpots");
        this.loaders = requireNonNull(loaders, "loaders");
    }

    @Around("@annotation(coalesced)")
    public @Nullable Object coalesce(ProceedingJoinPoint pjp, Coalesced coalesced) throws Throwable {
        Method method = method(pjp);
        MethodKey key = new MethodKey(method.toGenericString(), key(coalesced.key(), method, pjp));
        CompletableFuture<Object> own = new CompletableFuture<>();
        RequestCoalescer.Call<Object> call = coalescer.join(key, () -> own);
        if (call.leader()) {
            // the leader runs the method on its own thread, with its transaction and security context
            try {
                Object result = pjp.proceed();
                if (result instanceof CompletionStage<?> stage) {
                    stage.whenComplete((v, e) -> complete(own, v, e));
                } else {
                    own.complete(result);
                }
            } catch (Throwable t) {
                own.completeExceptionally(t);
            }
        }
        return answer(method, call.result());
    }

    /** An annotation's duration in the config syntax; a bad one fails with the annotation's name as its key. */
    private static Duration duration(String key, String text) {
        try {
            return Durations.parse(text);
        } catch (RuntimeException e) { // IllegalArgumentException, or DateTimeParseException for bad ISO-8601
            throw LeveeProperties.bad(key, "'" + text + "'", "a number with ms, s, m, h or d, such as 5s");
        }
    }

    @Around("@annotation(cached)")
    public @Nullable Object cache(ProceedingJoinPoint pjp, Cached cached) throws Throwable {
        Method method = method(pjp);
        CachePolicy policy = policies.computeIfAbsent(method, m -> new CachePolicy(
                duration("@Cached(fresh) of " + m.getName(), cached.fresh()),
                duration("@Cached(stale) of " + m.getName(), cached.stale()), Duration.ZERO));
        MethodKey key = new MethodKey(method.toGenericString(), key(cached.key(), method, pjp));
        CompletableFuture<Object> result = cache.get(key, policy, () -> CompletableFuture.supplyAsync(() -> {
            try {
                Object value = pjp.proceed();
                return value instanceof CompletionStage<?> stage ? stage.toCompletableFuture().join() : value;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new CompletionException(t);
            }
        }, loaders)).thenApply(r -> r.value());
        return answer(method, result);
    }

    @Around("@annotation(hotSpot)")
    public @Nullable Object limit(ProceedingJoinPoint pjp, HotSpot hotSpot) throws Throwable {
        Method method = method(pjp);
        Object key = key(hotSpot.key(), method, pjp);
        var limiter = hotSpots.limiter(hotSpot.route());
        var permit = await(limiter.acquire(String.valueOf(key)));
        Object result;
        try {
            result = pjp.proceed();
        } catch (Throwable t) {
            permit.release();
            throw t;
        }
        if (result instanceof CompletionStage<?> stage) {
            return stage.whenComplete((v, e) -> permit.release());
        }
        permit.release();
        return result;
    }

    private static void complete(CompletableFuture<Object> f, @Nullable Object v, @Nullable Throwable e) {
        if (e != null) {
            f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        } else {
            f.complete(v);
        }
    }

    /** A stage for a method that returns one, else the value (blocking), rethrowing the method's own exception. */
    private static @Nullable Object answer(Method method, CompletableFuture<Object> result) throws Throwable {
        if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
            return result;
        }
        return await(result);
    }

    private static <T> T await(CompletableFuture<T> f) throws Throwable {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : cause != null ? cause : e;
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while waiting");
            c.initCause(e);
            throw c;
        }
    }

    private @Nullable Object key(String expression, Method method, ProceedingJoinPoint pjp) {
        Object[] args = pjp.getArgs();
        if (expression.isEmpty()) {
            return Arrays.asList(args);
        }
        Expression parsed = expressions.computeIfAbsent(expression, parser::parseExpression);
        return parsed.getValue(new MethodBasedEvaluationContext(pjp.getTarget(), method, args, names));
    }

    private static Method method(ProceedingJoinPoint pjp) {
        return ((MethodSignature) pjp.getSignature()).getMethod();
    }
}

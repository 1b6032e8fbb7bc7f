/**
 * The upstream circuit breaker: {@link dev.levee.core.breaker.UpstreamBreaker}, Resilience4j underneath, on the
 * Levee ticker; answers are classified into {@link dev.levee.core.breaker.Verdict}s (success, failure, rate limited
 * with Retry-After).
 */
@NullMarked
package dev.levee.core.breaker;

import org.jspecify.annotations.NullMarked;

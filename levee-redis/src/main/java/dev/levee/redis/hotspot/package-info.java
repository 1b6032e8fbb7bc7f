/**
 * The hot-spot window in Redis: a window store shared by every instance, and a fallback to the local window while
 * Redis is down.
 */
@NullMarked
package dev.levee.redis.hotspot;

import org.jspecify.annotations.NullMarked;

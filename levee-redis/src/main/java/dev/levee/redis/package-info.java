/**
 * Levee's Redis tier: one shared connection ({@link dev.levee.redis.RedisConnection}) for the stores that let
 * several instances act as one, with Lua scripts for the atomic steps.
 */
@NullMarked
package dev.levee.redis;

import org.jspecify.annotations.NullMarked;

/**
 * The event pipeline: accepts events into a bounded queue guarded by a depth circuit and delivers them to a sink
 * with retries and dead letters ({@link dev.levee.core.events.EventPipeline}).
 */
@NullMarked
package dev.levee.core.events;

import org.jspecify.annotations.NullMarked;

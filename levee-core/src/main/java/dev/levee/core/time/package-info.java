/**
 * Levee's one time source: {@link dev.levee.core.time.Ticker} (monotonic nanoseconds, epoch milliseconds) and
 * {@link dev.levee.core.time.Scheduler} for delays; tests inject a {@link dev.levee.core.time.ManualTicker} and
 * move it.
 */
@NullMarked
package dev.levee.core.time;

import org.jspecify.annotations.NullMarked;

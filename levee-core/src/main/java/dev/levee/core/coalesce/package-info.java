/**
 * Request coalescing: {@link dev.levee.core.coalesce.RequestCoalescer} shares one fetch among concurrent callers of
 * a key, with per-caller deadlines, bounded waiters and {@link dev.levee.core.coalesce.CoalescerStats}.
 *
 * <p>SPI seam for scale-out: {@link dev.levee.core.coalesce.FlightCoordinator} runs each local leader's fetch; a
 * shared-store implementation can coalesce leaders of several instances (one upstream call per key cluster-wide).
 */
@NullMarked
package dev.levee.core.coalesce;

import org.jspecify.annotations.NullMarked;

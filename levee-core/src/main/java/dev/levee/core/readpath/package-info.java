/**
 * The read path as one object: {@link dev.levee.core.readpath.ReadPath} composes a stale-while-revalidate cache,
 * a request coalescer, a hot-spot window and an upstream breaker in front of a loader, in the order the Levee
 * gateway serves its routes with (the gateway's read path is a user of it).
 */
@NullMarked
package dev.levee.core.readpath;

import org.jspecify.annotations.NullMarked;

/**
 * The gateway's client of the upstream API: a bounded pool with a deadline per request, proxying streamed requests
 * and fetching buffered ones, with only end-to-end headers passed on.
 */
@NullMarked
package dev.levee.gateway.upstream;

import org.jspecify.annotations.NullMarked;

/**
 * Levee's own helpers, shared by its modules (levee-core, levee-redis, levee-gateway). <b>Not API</b>: nothing
 * here is covered by compatibility promises, it may change or disappear in any release, and it is left out of the
 * published javadoc. Application code must not depend on it.
 */
@NullMarked
package dev.levee.core.internal;

import org.jspecify.annotations.NullMarked;

/**
 * The rejection every Levee primitive fails with ({@link dev.levee.core.RejectedException}) and its reasons; the
 * primitives are in the sub-packages.
 */
@NullMarked
package dev.levee.core;

import org.jspecify.annotations.NullMarked;

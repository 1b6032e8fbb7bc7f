/**
 * Load tools: a load generator that holds N concurrent HTTP clients of several classes against a target and reports
 * what each class got, and a simulated quota-limited upstream to aim it at.
 */
@NullMarked
package dev.levee.loadtest;

import org.jspecify.annotations.NullMarked;

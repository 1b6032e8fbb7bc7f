/**
 * Priority admission: one concurrency limit shared by client classes, each with its own bounded wait queue, highest
 * priority served first ({@link dev.levee.core.admission.PriorityAdmission}).
 */
@NullMarked
package dev.levee.core.admission;

import org.jspecify.annotations.NullMarked;

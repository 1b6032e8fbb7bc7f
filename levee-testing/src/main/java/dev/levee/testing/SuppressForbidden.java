package dev.levee.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets the annotated code call what the build's forbidden-apis check refuses (root pom.xml; the wall-clock rule is
 * etc/forbidden-wall-clock.txt), because here it is meant: {@link #value()} says why. This module does not see
 * levee-core's dev.levee.core.internal.SuppressForbidden; the check knows both by their simple name.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
@interface SuppressForbidden {
    /** Why the forbidden call is right here. */
    String value();
}

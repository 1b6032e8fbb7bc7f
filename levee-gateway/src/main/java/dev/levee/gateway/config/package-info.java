/**
 * The gateway's configuration: YAML over built-in defaults, then environment overrides ({@link
 * dev.levee.gateway.config.ConfigLoader}), bound to records that check every value when they are built ({@link
 * dev.levee.gateway.config.LeveeConfig}).
 */
@NullMarked
package dev.levee.gateway.config;

import org.jspecify.annotations.NullMarked;

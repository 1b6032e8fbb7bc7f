/**
 * HTTP plumbing of the gateway: the strict request decoder and guard that refuse malformed requests, bounded body
 * reading, JSON error responses and the mapping of Levee's rejections to status codes.
 */
@NullMarked
package dev.levee.gateway.http;

import org.jspecify.annotations.NullMarked;

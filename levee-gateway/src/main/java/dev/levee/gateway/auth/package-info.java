/**
 * Client authentication and classes: JWT verification (HMAC secret or JWKS) with the ticker's time, and the
 * classifier that maps a token's claims to a priority class.
 */
@NullMarked
package dev.levee.gateway.auth;

import org.jspecify.annotations.NullMarked;

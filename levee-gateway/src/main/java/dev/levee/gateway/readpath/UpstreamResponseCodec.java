/*
 * Copyright 2026 The Levee Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.levee.gateway.readpath;

import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.upstream.UpstreamResponse;
import dev.levee.redis.coalesce.ValueCodec;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@link UpstreamResponse} as compact binary for the Redis flight results and shared cache entries: a version byte,
 * the status, the headers (count, then name/value pairs, modified UTF-8) and the body (length, bytes).
 *
 * <p>Errors shared with other instances' waiters: an upstream 5xx/429 ({@link UpstreamErrorResponse}, the
 * upstream's own response, so every waiter gets it byte for byte) and the gateway's 502/504 for an upstream that
 * failed or timed out ({@link HttpError}: status, {@code error}, Retry-After). Anything else (this instance's
 * breaker open, its own refusals) is not shared: waiters elsewhere fetch through the lock themselves.
 */
final class UpstreamResponseCodec implements ValueCodec<UpstreamResponse> {
    static final UpstreamResponseCodec INSTANCE = new UpstreamResponseCodec();

    private static final byte VERSION = 1;
    private static final byte UPSTREAM_ERROR = 'U';
    private static final byte HTTP_ERROR = 'H';

    private UpstreamResponseCodec() {}

    @Override
    public byte[] encode(UpstreamResponse r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + r.body().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(out, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, UpstreamResponse r) throws IOException {
        out.writeShort(r.status());
        out.writeInt(r.headers().size());
        for (Map.Entry<String, String> h : r.headers()) {
            out.writeUTF(h.getKey());
            out.writeUTF(h.getValue());
        }
        byte[] body = r.body().getBytes();
        out.writeInt(body.length);
        out.write(body);
    }

    @Override
    public UpstreamResponse decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalArgumentException("response codec version: " + v + " (expected: " + VERSION + ")");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UpstreamResponse read(DataInputStream in) throws IOException {
        int status = in.readUnsignedShort();
        int n = in.readInt();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < n; i++) {
            headers.add(in.readUTF(), in.readUTF());
        }
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return new UpstreamResponse(status, headers, Buffer.buffer(body));
    }

    @Override
    public byte[] encodeError(Throwable error) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (error instanceof UpstreamErrorResponse uer) {
                out.writeByte(UPSTREAM_ERROR);
                write(out, uer.response());
            } else if (error instanceof HttpError he && (he.status() == 502 || he.status() == 504)) {
                out.writeByte(HTTP_ERROR);
                out.writeShort(he.status());
                out.writeUTF(String.valueOf(he.body().get("error")));
                out.writeLong(he.retryAfterSeconds());
            } else {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Throwable decodeError(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalArgumentException("response codec version: " + v + " (expected: " + VERSION + ")");
            }
            byte kind = in.readByte();
            if (kind == UPSTREAM_ERROR) {
                return new UpstreamErrorResponse(read(in));
            }
            int status = in.readUnsignedShort();
            String error = in.readUTF();
            long retryAfter = in.readLong();
            return retryAfter >= 0 ? HttpError.withRetryAfter(status, error, retryAfter) : HttpError.of(status, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

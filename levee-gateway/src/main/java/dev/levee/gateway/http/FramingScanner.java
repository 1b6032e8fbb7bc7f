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
package dev.levee.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Follows the HTTP/1.1 framing of a connection byte by byte, ahead of the request decoder, and stops what the
 * decoder would silently repair or misread.
 *
 * <p>Implementation note: Netty's decoder folds an obs-fold (a header line that starts with a space or tab) into
 * the previous header, which RFC 9112 permits, but a proxy in front of us may read the folded line as a header of
 * its own ({@code X-A: 1\r\n Transfer-Encoding: chunked}), so like nginx we refuse it (400, connection closed).
 * Netty also parses a chunk size into a number that can overflow ({@code 10000000000000000000005} is read as 5), so
 * the body's end differs from what any other parser reads: a chunk-size line that is not 1 to 16 hex digits
 * (optionally followed by extensions) closes the connection before the decoder sees it.
 *
 * <p>The scanner keeps no bytes: it walks each buffer, forwards it unchanged and only remembers where it is (in a
 * head, in a chunk size, in a body with n bytes left). A refusal in a head is handed to the decoder by the
 * request's number on the connection ({@link StrictRequestDecoder#refuse}): the decoder may still hold earlier
 * pipelined requests it has not decoded, and those must be served; the refused one gets its 400 in order. Any framing the decoder refuses on its own
 * (two lengths, a transfer coding other than chunked) ends the scan: the decoder closes the connection.
 */
final class FramingScanner extends ChannelInboundHandlerAdapter {
    static final String NAME = "levee-framing";
    private static final int MAX_NAME = 32;       // only Content-Length and Transfer-Encoding are remembered
    private static final int MAX_VALUE = 64;
    private static final int MAX_CHUNK_LINE = 4096; // size + extensions; Netty's own line limit is larger

    private enum State {
        REQUEST_LINE, LINE_START, NAME, VALUE, AFTER_HEAD_CR,
        CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
        TRAILER_LINE_START, TRAILER_LINE, TRAILER_END_LF,
        FIXED_BODY, DONE
    }

    private final StrictRequestDecoder decoder;
    private State state = State.REQUEST_LINE;
    private final StringBuilder name = new StringBuilder(MAX_NAME);
    private final StringBuilder value = new StringBuilder(MAX_VALUE);
    private boolean nameTooLong;
    private @Nullable String contentLength;
    private @Nullable String transferEncoding;
    private boolean sawHeader;
    private boolean requestLine;
    private long heads; // request heads begun on this connection: the decoder refuses one by its number
    private boolean upgrade;
    private long remaining;
    private int chunkDigits;
    private int chunkLine;

    FramingScanner(StrictRequestDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || state == State.DONE) {
            ctx.fireChannelRead(msg);
            return;
        }
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        for (int i = start; i < end && state != State.DONE; ) {
            if (state == State.FIXED_BODY || state == State.CHUNK_DATA) {
                int skip = (int) Math.min(remaining, end - i);
                i += skip;
                remaining -= skip;
                if (remaining == 0) {
                    state = state == State.FIXED_BODY ? State.REQUEST_LINE : State.CHUNK_DATA_CR;
                }
                continue;
            }
            String refusal = step(buf.getByte(i));
            if (refusal == null) {
                i++;
                continue;
            }
            state = State.DONE;
            if (refusal.startsWith("chunk")) {
                // inside a body the decoder has already handed the request on: nothing can be answered in order
                if (i > start) {
                    ctx.fireChannelRead(buf.retainedSlice(start, i - start));
                }
                buf.release();
                ctx.close();
                return;
            }
            decoder.refuse(heads, refusal);
            break;
        }
        ctx.fireChannelRead(buf);
    }

    /** Advances over one byte; returns why the connection is refused, or null. */
    private @Nullable String step(byte b) {
        switch (state) {
            case REQUEST_LINE -> {
                if (b == '\n' && requestLine) {
                    startHead();
                } else if (b != '\r' && b != '\n') {
                    requestLine = true; // empty lines before a request line are skipped, as the decoder does
                }
            }
            case LINE_START -> {
                if (b == ' ' || b == '\t') {
                    return sawHeader ? "obs-fold (a header line starting with whitespace)"
                            : "whitespace before the first header";
                }
                if (b == '\r') {
                    state = State.AFTER_HEAD_CR;
                } else if (b == '\n') {
                    endHead();
                } else {
                    name.setLength(0);
                    nameTooLong = false;
                    append(name, b, MAX_NAME);
                    state = State.NAME;
                }
            }
            case NAME -> {
                if (b == ':') {
                    value.setLength(0);
                    state = State.VALUE;
                } else if (b == '\n') {
                    state = State.DONE; // a line without a colon: the decoder refuses it
                } else if (!append(name, b, MAX_NAME)) {
                    nameTooLong = true;
                }
            }
            case VALUE -> {
                if (b == '\n') {
                    endHeader();
                    state = State.LINE_START;
                } else if (b != '\r') {
                    append(value, b, MAX_VALUE);
                }
            }
            case AFTER_HEAD_CR -> {
                if (b != '\n') {
                    state = State.DONE; // bare CR: the decoder refuses it
                } else {
                    endHead();
                }
            }
            case CHUNK_SIZE -> {
                if (hex(b)) {
                    if (++chunkDigits > 16) {
                        return "chunk size longer than 16 hex digits";
                    }
                    int digit = Character.digit(b, 16);
                    if (remaining > (Long.MAX_VALUE >> 4)) {
                        return "chunk size overflows";
                    }
                    remaining = (remaining << 4) | digit;
                } else if (chunkDigits == 0) {
                    return "chunk size without digits";
                } else if (b == ';' || b == ' ' || b == '\t') {
                    state = State.CHUNK_EXT;
                } else if (b == '\r') {
                    state = State.CHUNK_SIZE_LF;
                } else {
                    return "chunk size is not hex";
                }
                if (++chunkLine > MAX_CHUNK_LINE) {
                    return "chunk line too long";
                }
            }
            case CHUNK_EXT -> {
                if (b == '\r') {
                    state = State.CHUNK_SIZE_LF;
                } else if (b == '\n' || ++chunkLine > MAX_CHUNK_LINE) {
                    return "chunk extension not ended by CRLF";
                }
            }
            case CHUNK_SIZE_LF -> {
                if (b != '\n') {
                    return "chunk size line not ended by CRLF";
                }
                state = remaining == 0 ? State.TRAILER_LINE_START : State.CHUNK_DATA;
            }
            case CHUNK_DATA_CR -> {
                if (b != '\r') {
                    return "chunk data longer than its size";
                }
                state = State.CHUNK_DATA_LF;
            }
            case CHUNK_DATA_LF -> {
                if (b != '\n') {
                    return "chunk data not ended by CRLF";
                }
                startChunk();
            }
            case TRAILER_LINE_START -> {
                if (b == '\r') {
                    state = State.TRAILER_END_LF;
                } else if (b == ' ' || b == '\t') {
                    return "chunk trailer starting with whitespace";
                } else {
                    state = State.TRAILER_LINE;
                }
            }
            case TRAILER_LINE -> {
                if (b == '\n') {
                    state = State.TRAILER_LINE_START;
                }
            }
            case TRAILER_END_LF -> {
                if (b != '\n') {
                    return "chunk trailers not ended by CRLF";
                }
                state = State.REQUEST_LINE;
            }
            default -> throw new IllegalStateException("state " + state);
        }
        return null;
    }

    private void startHead() {
        heads++;
        state = State.LINE_START;
        requestLine = false;
        upgrade = false;
        contentLength = null;
        transferEncoding = null;
        sawHeader = false;
    }

    private void endHeader() {
        sawHeader = true;
        if (nameTooLong) {
            return;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        if (n.equals("upgrade")) {
            upgrade = true;
        }
        if (n.equals("content-length") || n.equals("transfer-encoding")) {
            String v = value.toString().trim().toLowerCase(Locale.ROOT);
            boolean repeated = n.equals("content-length") ? contentLength != null : transferEncoding != null;
            if (repeated) {
                state = State.DONE; // two of them: the decoder refuses the request
            } else if (n.equals("content-length")) {
                contentLength = v;
            } else {
                transferEncoding = v;
            }
        }
    }

    private void endHead() {
        if (state == State.DONE) {
            return;
        }
        if (upgrade) {
            state = State.DONE; // what follows a switch of protocols is not HTTP/1.1
        } else if (transferEncoding != null) {
            if (!transferEncoding.equals("chunked") || contentLength != null) {
                state = State.DONE; // the decoder refuses any other framing and closes
            } else {
                startChunk();
            }
        } else if (contentLength != null) {
            if (contentLength.isEmpty() || contentLength.length() > 18 || !contentLength.chars().allMatch(
                    c -> c >= '0' && c <= '9')) {
                state = State.DONE; // the guard refuses it and closes
            } else {
                remaining = Long.parseLong(contentLength);
                state = remaining == 0 ? State.REQUEST_LINE : State.FIXED_BODY;
            }
        } else {
            state = State.REQUEST_LINE;
        }
    }

    private void startChunk() {
        state = State.CHUNK_SIZE;
        remaining = 0;
        chunkDigits = 0;
        chunkLine = 0;
    }

    private static boolean hex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static boolean append(StringBuilder sb, byte b, int max) {
        if (sb.length() >= max) {
            return false;
        }
        sb.append((char) (b & 0xff));
        return true;
    }
}

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
package dev.levee.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * A path or body template with placeholders {@code {fixture}}, {@code {client}}, {@code {class}}, {@code {seq}} and
 * {@code {now}}, split once into segments so rendering a request costs one StringBuilder pass. Unknown
 * {@code {...}} text is kept literally (JSON bodies are full of braces).
 */
final class Template {
    private enum Slot { FIXTURE, CLIENT, CLASS, SEQ, NOW }

    private final List<Object> segments;
    private final int sizeHint;

    private Template(List<Object> segments, int sizeHint) {
        this.segments = segments;
        this.sizeHint = sizeHint;
    }

    static Template parse(String text) {
        List<Object> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            Slot slot = null;
            int len = 0;
            if (text.charAt(i) == '{') {
                for (Slot s : Slot.values()) {
                    String name = "{" + s.name().toLowerCase(java.util.Locale.ROOT) + "}";
                    if (text.startsWith(name, i)) {
                        slot = s;
                        len = name.length();
                        break;
                    }
                }
            }
            if (slot == null) {
                lit.append(text.charAt(i++));
            } else {
                if (!lit.isEmpty()) {
                    out.add(lit.toString());
                    lit.setLength(0);
                }
                out.add(slot);
                i += len;
            }
        }
        if (!lit.isEmpty()) {
            out.add(lit.toString());
        }
        return new Template(List.copyOf(out), text.length() + 16);
    }

    @SuppressForbidden("{now} in a request template is the real time of the request")
    String render(long fixture, int client, ClientClass cls, long seq) {
        StringBuilder sb = new StringBuilder(sizeHint);
        for (Object seg : segments) {
            if (seg instanceof String s) {
                sb.append(s);
            } else {
                switch ((Slot) seg) {
                    case FIXTURE -> sb.append(fixture);
                    case CLIENT -> sb.append(client);
                    case CLASS -> sb.append(cls.wireName());
                    case SEQ -> sb.append(seq);
                    case NOW -> sb.append(System.currentTimeMillis());
                }
            }
        }
        return sb.toString();
    }
}

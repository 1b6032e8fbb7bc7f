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
package dev.levee.core.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's library examples are the code of the example tests, so they compile and run with every build: each
 * README block marked {@code <!-- example: FILE REGION -->} must equal the lines between
 * {@code // README:begin REGION} and {@code // README:end REGION} of FILE (common indentation stripped), and every
 * marked region of the example tests must be quoted. A README edit without the test, or the reverse, fails here.
 */
class ReadmeExamplesTest {
    /** Maven runs a module's tests in the module directory; the README is at the repository root. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<Path> EXAMPLE_DIRS = List.of(
            Path.of("levee-core/src/test/java/dev/levee/core/examples"),
            Path.of("levee-redis/src/test/java/dev/levee/redis/examples"),
            Path.of("levee-servlet/src/test/java/dev/levee/servlet/examples"),
            Path.of("levee-grpc/src/test/java/dev/levee/grpc/examples"),
            Path.of("levee-reactor/src/test/java/dev/levee/reactor/examples"),
            Path.of("levee-micrometer/src/test/java/dev/levee/micrometer/examples"));
    private static final Pattern QUOTE = Pattern.compile(
            "<!-- example: (\\S+) (\\S+) -->\\R```java\\R(.*?)\\R```", Pattern.DOTALL);
    private static final Pattern MARKER = Pattern.compile("^\\s*// README:(begin|end) (\\S+)\\s*$");

    private record Region(Path file, String name) {}

    @Test
    void everyReadmeExampleIsTheMarkedRegionOfItsTestAndEveryRegionIsQuoted() {
        String readme = read(ROOT.resolve("README.md"));
        Map<Region, String> quoted = new LinkedHashMap<>();
        Matcher m = QUOTE.matcher(readme);
        while (m.find()) {
            Region region = new Region(Path.of(m.group(1)), m.group(2));
            assertThat(quoted.put(region, normalise(m.group(3)))).as("README quotes %s twice", region).isNull();
        }
        Map<Region, String> marked = markedRegions();
        assertThat(quoted).as("README examples").isNotEmpty();
        assertThat(quoted.keySet()).as("README example blocks vs. // README:begin regions of the example tests")
                .containsExactlyInAnyOrderElementsOf(marked.keySet());
        quoted.forEach((region, block) -> assertThat(block)
                .as("README block %s %s (edit the test and the README together)", region.file(), region.name())
                .isEqualTo(marked.get(region)));
    }

    @Test
    void theReadmesBomVersionIsTheProjectVersion() {
        Matcher parent = Pattern.compile("<artifactId>levee-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(read(ROOT.resolve("pom.xml")));
        assertThat(parent.find()).as("levee-parent's version in pom.xml").isTrue();
        Matcher bom = Pattern.compile("<artifactId>levee-bom</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(read(ROOT.resolve("README.md")));
        assertThat(bom.find()).as("the BOM import in README.md").isTrue();
        assertThat(bom.group(1)).isEqualTo(parent.group(1));
    }

    private static Map<Region, String> markedRegions() {
        Map<Region, String> regions = new LinkedHashMap<>();
        for (Path dir : EXAMPLE_DIRS) {
            if (!Files.isDirectory(ROOT.resolve(dir))) {
                continue;
            }
            try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    regions.putAll(regionsOf(dir.resolve(file.getFileName().toString())));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return regions;
    }

    private static Map<Region, String> regionsOf(Path file) {
        Map<Region, String> regions = new LinkedHashMap<>();
        String open = null;
        List<String> lines = new ArrayList<>();
        for (String line : read(ROOT.resolve(file)).split("\\R", -1)) {
            Matcher m = MARKER.matcher(line);
            if (!m.matches()) {
                if (open != null) {
                    lines.add(line);
                }
                continue;
            }
            if (m.group(1).equals("begin")) {
                assertThat(open).as("%s: README:begin %s inside region %s", file, m.group(2), open).isNull();
                open = m.group(2);
                lines.clear();
            } else {
                assertThat(m.group(2)).as("%s: README:end %s", file, m.group(2)).isEqualTo(open);
                assertThat(regions.put(new Region(file, open), normalise(String.join("\n", lines))))
                        .as("%s: region %s marked twice", file, open).isNull();
                open = null;
            }
        }
        assertThat(open).as("%s: README:begin %s without its end", file, open).isNull();
        return regions;
    }

    /** Without trailing spaces, leading and trailing blank lines and the indentation all lines share. */
    static String normalise(String text) {
        List<String> lines = new ArrayList<>(Arrays.stream(text.split("\\R", -1)).map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.getFirst().isEmpty()) {
            lines.removeFirst();
        }
        while (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        int indent = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

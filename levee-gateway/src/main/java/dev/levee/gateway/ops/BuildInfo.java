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
package dev.levee.gateway.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * The release version and the git commit this build came from, written into {@code version.properties} by the
 * build (levee-gateway/pom.xml); "unknown" where the build saw no git checkout or the resource was not filtered
 * (classes run from an IDE). Shown by {@code levee -V}, in {@code /health} and on the exported trace resource.
 *
 * @param version the Maven project version, e.g. {@code 0.1.0}
 * @param commit  the short commit id, e.g. {@code 0fc2918}
 */
public record BuildInfo(String version, String commit) {
    static final String RESOURCE = "version.properties";
    static final String UNKNOWN = "unknown";

    private static final BuildInfo CURRENT = load();

    public BuildInfo {
        requireNonNull(version, "version");
        requireNonNull(commit, "commit");
    }

    /** This build's. */
    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties build = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(value(build, "version"), value(build, "commit"));
    }

    /** A key the build did not fill in reads "unknown". */
    private static String value(Properties build, String key) {
        String v = build.getProperty(key, "").strip();
        return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
    }
}

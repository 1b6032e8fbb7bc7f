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
package dev.levee.app;

import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.EffectiveConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code levee validate}: checks a config without starting anything, as {@code nginx -t} does. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a config without starting the gateway: every error of the file, each with its key path",
                "and value (exit 2), or 'config OK' with the config's hash, as /health shows it (exit 0).",
                "Config: --config FILE, else ./levee.yaml if present, else the defaults; LEVEE_* environment",
                "overrides apply, as for serve."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
    Path config;

    private final Map<String, String> env;

    ValidateCommand() {
        this(System.getenv());
    }

    /** With {@code env} as the environment (tests). */
    ValidateCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Path file = file(config);
        EffectiveConfig effective;
        try {
            effective = load(file, env);
        } catch (ConfigException e) {
            return invalid(spec.commandLine().getErr(), file, e);
        }
        spec.commandLine().getOut().println("config OK, hash " + effective.hash() + " (" + name(file) + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The file serve would read: {@code --config}, else {@code ./levee.yaml} if present; null for the defaults. */
    static Path file(Path config) {
        if (config == null && Files.exists(Path.of("levee.yaml"))) {
            return Path.of("levee.yaml");
        }
        return config;
    }

    static EffectiveConfig load(Path file, Map<String, String> env) {
        return file == null ? ConfigLoader.loadEffective((String) null, env) : ConfigLoader.loadEffective(file, env);
    }

    static String name(Path file) {
        return file == null ? "the defaults" : file.toString();
    }

    /** Prints every error of the config, one a line, and gives the exit status of an invalid config. */
    static int invalid(PrintWriter err, Path file, ConfigException e) {
        int n = e.errors().size();
        err.println("levee: invalid config " + name(file) + " (" + n + (n == 1 ? " error" : " errors") + "):");
        for (String error : e.errors()) {
            err.println("  " + error);
        }
        err.flush();
        return 2;
    }
}

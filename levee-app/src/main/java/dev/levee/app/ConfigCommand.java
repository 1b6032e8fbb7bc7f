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
import dev.levee.gateway.config.EffectiveConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code levee config}: the effective config, as the gateway would run it, secrets redacted. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print the effective config as YAML: the defaults, the file and the LEVEE_* environment",
                "overrides, merged; secrets redacted (admin token, JWT secret, passwords, also inside URLs).",
                "Exit 2 with every error when the config is invalid.",
                "Config: --config FILE, else ./levee.yaml if present, else the defaults."})
final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
    Path config;

    private final Map<String, String> env;

    ConfigCommand() {
        this(System.getenv());
    }

    /** With {@code env} as the environment (tests). */
    ConfigCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Path file = ValidateCommand.file(config);
        EffectiveConfig effective;
        try {
            effective = ValidateCommand.load(file, env);
        } catch (ConfigException e) {
            return ValidateCommand.invalid(spec.commandLine().getErr(), file, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("# effective config of " + ValidateCommand.name(file) + ", hash " + effective.hash()
                + " (defaults and environment applied, secrets redacted)");
        out.print(effective.redactedYaml());
        out.flush();
        return 0;
    }
}

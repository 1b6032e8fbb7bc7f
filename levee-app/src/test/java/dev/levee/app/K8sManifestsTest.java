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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/k8s} and its Redis overlay, rendered by {@code kubectl kustomize}: the ConfigMap's YAML passes
 * {@code levee validate}, and the Deployment agrees with it (probe paths and ports, listeners, the
 * termination grace against the launcher's shutdown budget), with a non-root read-only container, resources,
 * a Service, a PodDisruptionBudget and a HorizontalPodAutoscaler. Skipped only when kubectl is not installed.
 */
class K8sManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path K8S = Path.of("..", "deploy", "k8s");

    private static List<JsonNode> render(Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed: the Kubernetes manifests are not checked");
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
            it.forEachRemaining(docs::add);
        }
        return docs;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> of = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(of).as(kind).hasSize(1);
        return of.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "overlays/redis"})
    void theManifestsAgreeWithTheGatewaysConfig(String variant) throws Exception {
        List<JsonNode> docs = render(variant.isEmpty() ? K8S : K8S.resolve(variant));
        JsonNode configMap = one(docs, "ConfigMap");
        // the config in the ConfigMap passes `levee validate`, as an operator would check it before applying it
        Path mountedConfig = Files.createTempFile("levee-configmap-", ".yaml");
        try {
            Files.writeString(mountedConfig, configMap.path("data").path("levee.yaml").asText());
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new ValidateCommand(Map.of()));
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute("--config", mountedConfig.toString())).as(err.toString()).isZero();
        } finally {
            Files.delete(mountedConfig);
        }
        LeveeConfig cfg = ConfigLoader.load(configMap.path("data").path("levee.yaml").asText(), Map.of());

        JsonNode deployment = one(docs, "Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("http", cfg.server().port()).containsEntry("admin", cfg.admin().port());
        assertThat(cfg.server().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.admin().listen()).isTrue();
        assertThat(cfg.admin().host()).as("the kubelet probes the pod's address").isEqualTo("0.0.0.0");
        assertProbe(container.path("readinessProbe"), "/health/readiness", ports, cfg);
        assertProbe(container.path("livenessProbe"), "/health/liveness", ports, cfg);

        // the configured ConfigMap is the one mounted
        String mounted = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.has("configMap")) {
                mounted = v.path("configMap").path("name").asText();
            }
        }
        assertThat(mounted).isEqualTo(configMap.path("metadata").path("name").asText());

        // SIGTERM -> drain period, shutdown grace, event drain: all of it, after the preStop sleep, before SIGKILL
        JsonNode preStop = container.path("lifecycle").path("preStop").path("exec").path("command");
        assertThat(preStop.get(0).asText()).isEqualTo("sleep");
        long preStopSeconds = preStop.get(1).asLong();
        long budgetSeconds = (ServeCommand.shutdownBudget(cfg).toMillis() + 999) / 1000;
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                .isGreaterThanOrEqualTo(preStopSeconds + budgetSeconds);

        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asLong()).isPositive();
        JsonNode sc = container.path("securityContext");
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        for (String part : List.of("requests", "limits")) {
            assertThat(container.path("resources").path(part).has("cpu")).as(part).isTrue();
            assertThat(container.path("resources").path(part).has("memory")).as(part).isTrue();
        }
        if (cfg.events().enabled() && cfg.store().type().toString().equalsIgnoreCase("memory")
                && cfg.events().journal().enabled()) {
            assertThat(cfg.events().journal().dir()).as("a writable volume").startsWith("/var/lib/levee");
        }

        JsonNode service = one(docs, "Service");
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        JsonNode hpa = one(docs, "HorizontalPodAutoscaler");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        JsonNode pdb = one(docs, "PodDisruptionBudget");
        assertThat(pdb.path("spec").path("minAvailable").asInt())
                .isLessThan(hpa.path("spec").path("minReplicas").asInt());

        if (variant.equals("overlays/redis")) {
            assertThat(cfg.store().type().toString()).isEqualToIgnoringCase("redis");
            assertThat(deployment.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(hpa.path("spec").path("minReplicas").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(cfg.store().redis().expectedInstances())
                    .isEqualTo(hpa.path("spec").path("minReplicas").asInt());
        }
    }

    private static void assertProbe(JsonNode probe, String path, Map<String, Integer> ports, LeveeConfig cfg) {
        JsonNode get = probe.path("httpGet");
        assertThat(get.path("path").asText()).isEqualTo(path);
        JsonNode port = get.path("port");
        int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
        assertThat(number).as("probes on the admin listener").isEqualTo(cfg.admin().port());
    }
}

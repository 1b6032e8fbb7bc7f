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
package dev.levee.servlet;

import jakarta.servlet.ServletContainerInitializer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real embedded Tomcat 11 on a free port; the application is set up through the portable Servlet API only
 * (a {@link ServletContainerInitializer}), the way a WAR or Spring Boot would register the filter.
 */
final class TomcatServer implements AutoCloseable {
    /** Tomcat logs every start and stop at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    /** Logs each exception a servlet throws with its stack: the leak test throws hundreds on purpose. */
    private static final java.util.logging.Logger SERVLET_ERRORS =
            java.util.logging.Logger.getLogger("org.apache.catalina.core.StandardWrapperValve");

    static {
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
        SERVLET_ERRORS.setLevel(java.util.logging.Level.OFF);
    }

    private final Tomcat tomcat;
    private final Path baseDir;

    private TomcatServer(Tomcat tomcat, Path baseDir) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
    }

    static TomcatServer start(ServletContainerInitializer app) {
        try {
            Path baseDir = Files.createTempDirectory("levee-tomcat");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(baseDir.toString());
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("maxThreads", "400");
            tomcat.getConnector().setProperty("acceptCount", "1000");
            tomcat.getConnector().setProperty("maxKeepAliveRequests", "-1");
            Context context = tomcat.addContext("", baseDir.toString());
            context.addServletContainerInitializer(app, null);
            tomcat.start();
            return new TomcatServer(tomcat, baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return tomcat.getConnector().getLocalPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() throws org.apache.catalina.LifecycleException, java.io.IOException {
        tomcat.stop();
        tomcat.destroy();
        try (var files = Files.walk(baseDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

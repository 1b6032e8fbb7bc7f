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
package dev.levee.spring.app;

import dev.levee.core.time.ManualTicker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** A small application using the starter: one slow endpoint, one service with Levee's annotations. */
@SpringBootApplication
public class TestApp {
    /** Holds the slow endpoint's requests until the test opens it. */
    public static final class Gate {
        private volatile CountDownLatch latch = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();

        public void close() {
            latch = new CountDownLatch(1);
            entered.set(0);
        }

        public void open() {
            latch.countDown();
        }

        public int entered() {
            return entered.get();
        }

        void pass() throws InterruptedException {
            entered.incrementAndGet();
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        }
    }

    @Bean
    Gate gate() {
        return new Gate();
    }

    /** Time moves only when a test says so: the cache's fresh/stale and the hot-spot window. */
    @Bean
    ManualTicker ticker() {
        return new ManualTicker();
    }

    @Bean
    OddsService oddsService() {
        return new OddsService();
    }

    @RestController
    static class SlowController {
        private final Gate gate;

        SlowController(Gate gate) {
            this.gate = gate;
        }

        @GetMapping("/work")
        String work(@RequestHeader(name = "X-Class", required = false) String admissionClass)
                throws InterruptedException {
            gate.pass();
            return "ok " + admissionClass;
        }
    }

}

package dev.levee.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionTest {

    @Test
    void versionNamesTheBuildsVersionAndCommit() {
        CommandLine cli = LeveeCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("-V");

        assertThat(exit).isZero();
        // the build filtered version.properties: the Maven version and a commit (or "unknown"), no ${...} left
        assertThat(out.toString())
                .containsPattern("^levee \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,}|unknown)")
                .doesNotContain("${");
    }
}

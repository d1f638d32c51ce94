package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher with Debian's real {@code prometheus} binary (skipped without it, except on CI=true, which must run
 * it), and with stand-in scripts for finding the binary and for a server that dies while starting.
 */
class PrometheusServerTest {

    @TempDir
    Path dir;

    @Test
    void startsReadyHavingScrapedTheSimulatorAndClosesWithoutATrace() throws Exception {
        Path binary = realBinary();
        try (Simulator simulator = Simulator.builder().seed(7).build().start()) {
            simulator.serve(100);
            PrometheusServer prometheus = PrometheusServer.start(binary, "127.0.0.1:" + simulator.port());
            ProcessHandle process = prometheus.process();
            Path folder = prometheus.folder();
            try {
                assertThat(prometheus.url().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
                assertThat(Http.get(prometheus.url().resolve("/-/ready")).statusCode())
                        .isEqualTo(200);
                assertThat(process.isAlive()).isTrue();
                assertThat(folder.resolve("prometheus.yml")).exists();
                // Scraped before start returned: the stored counter is what the simulator served, no waiting.
                assertThat(query(prometheus, "up{job=\"" + PrometheusServer.JOB + "\"}"))
                        .containsExactly("1");
                assertThat(query(prometheus, "sum(istio_requests_total)")).containsExactly("100");
            } finally {
                prometheus.close();
            }

            assertThat(process.isAlive())
                    .as("the prometheus process after close")
                    .isFalse();
            assertThat(ProcessHandle.current().descendants()).doesNotContain(process);
            assertThat(folder).doesNotExist();
        }
    }

    @Test
    void aServerThatExitsWhileStartingFailsWithItsLogAndLeavesNothingBehind() throws IOException {
        Path binary = script(dir.resolve("bin"), "echo \"prometheus $*\"; echo 'err=\"bad flag\"'; exit 2");

        assertThatThrownBy(() -> PrometheusServer.start(binary, "127.0.0.1:9"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("prometheus did not start")
                .hasMessageContaining("exited before it listened")
                .hasMessageContaining("err=\"bad flag\"")
                .satisfies(failure -> {
                    Matcher database =
                            Pattern.compile("--storage\\.tsdb\\.path=(\\S+)").matcher(failure.getMessage());
                    assertThat(database.find()).as("the log names the database").isTrue();
                    assertThat(Path.of(database.group(1)).getParent()).doesNotExist();
                });
    }

    @Test
    void findsTheFirstExecutableBinaryOnThePath() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path notExecutable = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(notExecutable.resolve("prometheus"), "not a program");
        Path first = script(dir.resolve("first"), "exit 0");
        script(dir.resolve("second"), "exit 0");
        String path = String.join(
                File.pathSeparator,
                "",
                empty.toString(),
                notExecutable.toString(),
                first.getParent().toString(),
                dir.resolve("second").toString());

        assertThat(PrometheusServer.findBinary(path)).contains(first);
        assertThat(PrometheusServer.findBinary(empty.toString())).isEmpty();
        assertThat(PrometheusServer.findBinary(null)).isEmpty();
    }

    /** The real binary; without it the test is skipped, except on CI, which installs it and must run this. */
    private static Path realBinary() {
        Optional<Path> binary = PrometheusServer.findBinary(
                Objects.requireNonNullElse(System.getenv("PATH"), "") + File.pathSeparator + "/usr/bin");
        if (binary.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must run the real-Prometheus tests: " + PrometheusServer.INSTALL_HINT);
        }
        Assumptions.assumeTrue(
                binary.isPresent(), "no prometheus binary on the PATH: " + PrometheusServer.INSTALL_HINT);
        return binary.get();
    }

    /** The values of an instant query's series, as the API spells them. */
    private static List<String> query(PrometheusServer prometheus, String promql) throws Exception {
        HttpResponse<String> response = Http.get(
                prometheus.url().resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) Json.parse(response.body())).get("data");
        return ((List<?>) data.get("result"))
                .stream()
                        .map(series -> (String) ((List<?>) ((Map<?, ?>) series).get("value")).get(1))
                        .toList();
    }

    /** An executable shell script named {@code prometheus} in {@code folder}. */
    private static Path script(Path folder, String body) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve("prometheus");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}

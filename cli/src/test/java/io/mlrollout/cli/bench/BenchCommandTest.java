package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

class BenchCommandTest {

    @TempDir
    Path out;

    @Test
    void writesATableACsvAndAWellFormedSvg() throws Exception {
        StringWriter console = new StringWriter();
        int exit = command(console)
                .execute("--runs", "10", "--threads", "2", "--traffic", "poisson,bursty", "--out", out.toString());
        assertThat(exit).isEqualTo(0);

        int cells = 2 * Scenario.defaults().size() * BenchSetup.CANARY_RATES.size();
        List<String> csv = Files.readAllLines(out.resolve("judges.csv"));
        assertThat(csv.get(0)).isEqualTo(ResultsCsv.HEADER);
        assertThat(csv).hasSize(1 + cells * Contender.values().length);
        int columns = ResultsCsv.HEADER.split(",", -1).length;
        for (String row : csv) {
            assertThat(row.split(",", -1)).as(row).hasSize(columns);
        }
        assertThat(csv).anySatisfy(row -> assertThat(row).startsWith("poisson,errors 2x,2,1,20,ours (p99 only),10,"));
        assertThat(csv)
                .anySatisfy(
                        row -> assertThat(row).startsWith("bursty,errors 2x,2,1,20,ours (p99 + slow-requests),10,"));

        String table = Files.readString(out.resolve("judges.md"));
        assertThat(table).contains("### Traffic model `poisson`").contains("### Traffic model `bursty`");
        int summaryRows = BenchSetup.CANARY_RATES.size() * Contender.values().length;
        // per model: a header row of each of its two tables, the summary's rows and the cells' rows
        assertThat(table.lines().filter(l -> l.startsWith("| ")).count()).isEqualTo(2L * (2 + summaryRows) + cells);
        assertThat(console.toString()).contains(table.lines().findFirst().orElseThrow());

        Document svg = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(out.resolve("judges.svg").toFile());
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("rect").getLength()).isGreaterThan(cells * Contender.values().length);
    }

    /** With {@code --quantile 0.95} every judge reads the p95, and the tables and files say so. */
    @Test
    void theLatencyQuantileCanBeThe95th() throws Exception {
        StringWriter console = new StringWriter();
        assertThat(tenRunsOnPoissonMinutes(console, "--quantile", "0.95")).isEqualTo(0);
        List<String> csv = Files.readAllLines(out.resolve("judges.csv"));
        assertThat(csv).anySatisfy(row -> assertThat(row).startsWith("poisson,p95 +25%,1,1.25,20,ours (p95 only),10,"));
        assertThat(csv).anySatisfy(row -> assertThat(row).contains(",ours (p95 + slow-requests),"));
        assertThat(csv).noneSatisfy(row -> assertThat(row).contains("p99"));
        assertThat(Files.readString(out.resolve("judges.md")))
                .contains("ours (p95 only)")
                .doesNotContain("p99");
        assertThat(console.toString())
                .contains("threshold judge: error ratio")
                .contains(" or p95 > ")
                .contains("latency p95");
    }

    /** With {@code --at-the-margin} the candidates are those our policies allow: errors 1.1×, the p99 +5%. */
    @Test
    void atTheMarginRunsTheCandidatesThePoliciesAllowBesideAa() throws Exception {
        assertThat(tenRunsOnPoissonMinutes(new StringWriter(), "--at-the-margin"))
                .isEqualTo(0);
        List<String> scenarios = Files.readAllLines(out.resolve("judges.csv")).stream()
                .skip(1)
                .map(row -> row.split(",")[1])
                .distinct()
                .toList();
        assertThat(scenarios).containsExactly("A/A", "errors 1.1x", "p99 +5%");
        assertThat(BenchSetup.POLICY)
                .contains("maxIncrease: 10%")
                .contains("maxIncrease: 5%"); // the margins the scenarios are at
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        StringWriter console = new StringWriter();
        StringWriter errors = new StringWriter();
        CommandLine command = command(console);
        command.setErr(new PrintWriter(errors));
        assertThat(command.execute("--runs", "0", "--out", out.toString())).isNotZero();
        assertThat(errors.toString()).contains("--runs");
        assertThat(command.execute("--threads", "0", "--out", out.toString())).isNotZero();
        assertThat(errors.toString()).contains("--threads");
        assertThat(command.execute("--slow-threshold", "-5", "--out", out.toString()))
                .isNotZero();
        assertThat(errors.toString()).contains("--slow-threshold");
        assertThat(command.execute("--traffic", "poisson,weekly", "--out", out.toString()))
                .isNotZero();
        assertThat(errors.toString()).contains("--traffic").contains("'weekly'").contains("production");
        assertThat(command.execute("--quantile", "1", "--out", out.toString())).isNotZero();
        assertThat(errors.toString()).contains("--quantile: must be at least 0.5 and below 1");
        assertThat(command.execute("--quantile", "0.3", "--out", out.toString()))
                .isNotZero();
        assertThat(errors.toString()).contains("got 0.3");
        assertThat(command.execute("--at-the-margin", "--all-scenarios", "--out", out.toString()))
                .isNotZero();
        assertThat(errors.toString()).contains("--at-the-margin and --all-scenarios: choose one");
    }

    /** The command's exit code after 10 runs a cell under {@code poisson} traffic, with {@code options} added. */
    private int tenRunsOnPoissonMinutes(StringWriter console, String... options) {
        List<String> args = new java.util.ArrayList<>(
                List.of("--runs", "10", "--threads", "2", "--traffic", "poisson", "--out", out.toString()));
        args.addAll(List.of(options));
        return command(console).execute(args.toArray(String[]::new));
    }

    private static CommandLine command(StringWriter console) {
        CommandLine command = new CommandLine(new BenchCommand());
        command.setOut(new PrintWriter(console));
        return command;
    }
}

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
    }

    private static CommandLine command(StringWriter console) {
        CommandLine command = new CommandLine(new BenchCommand());
        command.setOut(new PrintWriter(console));
        return command;
    }
}

package dev.canopy.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The canopy command line run in this JVM, capturing what it prints. */
final class CliRun {
    private CliRun() {
    }

    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs {@code canopy --data-dir <dataDir> args...}. */
    static Result canopy(Path dataDir, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter usageOut = new StringWriter();
        StringWriter usageErr = new StringWriter();
        List<String> full = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        full.addAll(Arrays.asList(args));
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(usageOut, true));
            commandLine.setErr(new PrintWriter(usageErr, true));
            code = commandLine.execute(full.toArray(String[]::new));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8) + usageOut,
                err.toString(StandardCharsets.UTF_8) + usageErr);
        // shown in the surefire report of a failing test
        originalOut.printf("canopy %s -> %d%n--- out%n%s--- err%n%s", String.join(" ", args), result.code(), result.out(), result.err());
        return result;
    }
}

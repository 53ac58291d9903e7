package dev.canopy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code canopy}: the platform on this machine and the commands that talk to it. */
@Command(name = "canopy", mixinStandardHelpOptions = true, version = "canopy 0.1.0",
        description = "Canopy: distributed SQL databases as a service, on Kubernetes or on this machine.",
        subcommands = {UpCommand.class, ServeCommand.class, ClustersCommand.class, KeysCommand.class, RegionsCommand.class, SqlCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    @Option(names = "--data-dir", scope = CommandLine.ScopeType.INHERIT,
            description = "Where the local region keeps its clusters (default: $CANOPY_DATA_DIR or ./.canopy).")
    Path dataDir;

    Path dataDir() {
        return defaultDataDir(dataDir);
    }

    static Path defaultDataDir(Path given) {
        if (given != null) {
            return given.toAbsolutePath().normalize();
        }
        String env = System.getenv("CANOPY_DATA_DIR");
        return Path.of(env != null && !env.isBlank() ? env : ".canopy").toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        // the platform log lives in the data directory; logback reads this property when it starts
        System.setProperty("canopy.log.dir", defaultDataDir(dataDirArgument(args)).toString());
        // exit explicitly: the SQL shell and the thin client can leave non-daemon threads behind
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(java.time.Duration.class, new Waits());
    }

    private static Path dataDirArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--data-dir=")) {
                return Path.of(args[i].substring("--data-dir=".length()));
            }
        }
        return null;
    }
}

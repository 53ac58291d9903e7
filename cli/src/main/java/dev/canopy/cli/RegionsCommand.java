package dev.canopy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code canopy regions}: where clusters can run, with each region's health and releases. */
@Command(name = "regions", mixinStandardHelpOptions = true, description = "The regions clusters can be created in.")
final class RegionsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ApiOptions options;

    @Override
    public Integer call() {
        return options.run(main.dataDir(), api -> api.call("GET", "/regions", null), answer -> {
            System.out.printf("%-12s %-11s %-9s %-16s %s%n", "NAME", "KIND", "HEALTHY", "RELEASES", "MESSAGE");
            answer.path("items").forEach(r -> {
                StringBuilder releases = new StringBuilder();
                r.path("releases").forEach(v -> releases.append(releases.isEmpty() ? "" : ",").append(v.asText()));
                System.out.printf("%-12s %-11s %-9s %-16s %s%n", r.path("name").asText(), r.path("kind").asText(),
                        r.path("healthy").asBoolean() ? "yes" : "no", releases, r.path("message").asText());
            });
        });
    }
}

package dev.canopy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code canopy regions}: where clusters can run, with each region's health and releases; {@code regions add} and
 * {@code regions delete} register and remove Kubernetes regions (admin keys of organization default only).
 */
@Command(name = "regions", mixinStandardHelpOptions = true, description = "The regions clusters can be created in.",
        subcommands = {RegionsCommand.Add.class, RegionsCommand.Delete.class})
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

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register a Kubernetes region: the control plane writes DatabaseCluster resources into the namespace"
                    + " through the kubeconfig's context (the Canopy operator must run there).")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        RegionsCommand parent;

        @Option(names = "--name", required = true, description = "The region's name (a DNS label).")
        String name;

        @Option(names = "--kubeconfig", required = true, paramLabel = "FILE",
                description = "A kubeconfig file; its content is sent and stored by the control plane.")
        Path kubeconfig;

        @Option(names = "--context", required = true, description = "The kubeconfig context to use.")
        String context;

        @Option(names = "--namespace", required = true, description = "The namespace the clusters' resources go to.")
        String namespace;

        @Override
        public Integer call() {
            String content;
            try {
                content = Files.readString(kubeconfig);
            } catch (IOException e) {
                System.err.println("canopy: --kubeconfig: cannot read " + kubeconfig + ": " + e.getMessage());
                return 1;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("kind", "kubernetes");
            body.put("kubeconfig", content);
            body.put("context", context);
            body.put("namespace", namespace);
            return parent.options.run(parent.main.dataDir(), api -> api.call("POST", "/regions", body), region ->
                    System.out.println("region " + name + " registered (context " + context + ", namespace " + namespace
                            + "); healthy: " + (region.path("healthy").asBoolean() ? "yes" : "no")
                            + ", " + region.path("message").asText()));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a registered region; refused while clusters live there.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        RegionsCommand parent;

        @Parameters(index = "0", description = "The region's name.")
        String name;

        @Override
        public Integer call() {
            return parent.options.delete(parent.main.dataDir(), "/regions/" + name, "region " + name + " removed");
        }
    }
}

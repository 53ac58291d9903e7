package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.InvalidSpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code canopy clusters apply -f FILE}: a DatabaseCluster YAML made the organization's cluster of that name, through
 * the API: created when there is none, else its whole spec replaced; then followed until the region has carried it out.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Create or update a cluster from a DatabaseCluster YAML file, then follow it until it is Ready.")
final class ApplyCommand implements Callable<Integer> {
    private static final JsonMapper JSON = new JsonMapper();

    @ParentCommand
    ClustersCommand parent;

    @Option(names = {"-f", "--file"}, required = true, description = "The DatabaseCluster YAML file.")
    Path file;

    @Option(names = "--region", defaultValue = "local", description = "Region of a cluster the file creates (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--no-wait", description = "Return once the API has taken it, without following the cluster.")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "30m", description = "How long to follow the cluster, e.g. 90s, 30m, 2h (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        ClusterManifest manifest;
        try {
            manifest = ClusterManifest.parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            System.err.println("canopy: no such file: " + file);
            return 2;
        } catch (InvalidSpecException e) {
            // checked here first: every problem of the file at once, before anything is sent
            System.err.println("canopy: " + file + " is not a valid DatabaseCluster; nothing was changed:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        String name = manifest.name();
        String[] outcome = {null};
        int code = parent.run(api -> {
            ObjectNode spec = JSON.valueToTree(manifest.spec());
            OptionalLong before = generation(api, name);
            JsonNode answer;
            if (before.isEmpty()) {
                ObjectNode create = JSON.createObjectNode().put("name", name).put("region", region);
                create.setAll(spec);
                create.remove("suspended");
                answer = api.call("POST", "/clusters", create);
                if (manifest.spec().isSuspended()) {
                    answer = api.call("POST", "/clusters/" + name + "/suspend", null);
                }
                outcome[0] = "created";
            } else {
                answer = api.call("PUT", "/clusters/" + name + "/spec", spec);
                outcome[0] = answer.path("generation").asLong() == before.getAsLong() ? "unchanged" : "configured";
            }
            return answer;
        }, answer -> System.out.printf("cluster %s %s (generation %d)%n", name, outcome[0], answer.path("generation").asLong()));
        if (code != 0 || noWait) {
            return code;
        }
        code = parent.follow(name, timeout);
        if (code == 0 && !parent.options.output.equals("json")) {
            // where to connect, as the apply of the local file store used to end
            parent.run(api -> api.call("GET", "/clusters/" + name, null), c -> {
                if (c.hasNonNull("jdbcUrl")) {
                    System.out.println("cluster " + name + ": JDBC URL " + c.path("jdbcUrl").asText() + "; SQL shell: ./canopy sql " + name);
                }
            });
        }
        return code;
    }

    /** The cluster's generation; empty when the organization has no cluster of the name. */
    private static OptionalLong generation(ApiClient api, String name) {
        try {
            return OptionalLong.of(api.call("GET", "/clusters/" + name, null).path("generation").asLong());
        } catch (ApiClient.Failure e) {
            if (e.status() == 404) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }
}

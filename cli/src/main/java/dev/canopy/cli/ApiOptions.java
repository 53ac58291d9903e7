package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** Where the control plane is, which key to send, and how to print its answers: shared by the API commands. */
final class ApiOptions {
    @Option(names = "--api", scope = CommandLine.ScopeType.INHERIT,
            description = "The control plane (default: $CANOPY_API or http://localhost:8080).")
    String api;

    @Option(names = "--key", scope = CommandLine.ScopeType.INHERIT,
            description = "API key (default: $CANOPY_API_KEY, else <data-dir>/admin.key).")
    String key;

    @Option(names = {"-o", "--output"}, scope = CommandLine.ScopeType.INHERIT, defaultValue = "text",
            description = "text or json (default ${DEFAULT-VALUE}).")
    String output;

    ApiClient client(Path dataDir) {
        String url = api != null ? api : Optional.ofNullable(System.getenv("CANOPY_API")).orElse("http://localhost:8080");
        return new ApiClient(url, key(dataDir));
    }

    private String key(Path dataDir) {
        if (key != null) {
            return key;
        }
        String env = System.getenv("CANOPY_API_KEY");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = dataDir.resolve("admin.key");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new ApiClient.Failure("the platform has not started on " + dataDir + " (no " + file.getFileName()
                    + " there): start it with `./canopy up`, or give an API key with --key or $CANOPY_API_KEY");
        }
    }

    /** Deletes what the path names and says so, e.g. "key k1 revoked". */
    int delete(Path dataDir, String path, String done) {
        return run(dataDir, api -> api.call("DELETE", path, null), answer -> System.out.println(done));
    }

    /** Runs a call, prints its answer as JSON or as text, and turns a refusal into a message and exit code 1. */
    int run(Path dataDir, Function<ApiClient, JsonNode> call, Consumer<JsonNode> text) {
        try {
            JsonNode answer = call.apply(client(dataDir));
            if (output.equals("json")) {
                System.out.println(answer.toPrettyString());
            } else {
                text.accept(answer);
            }
            return 0;
        } catch (ApiClient.Failure e) {
            if (output.equals("json")) {
                // a script reading -o json gets JSON either way, and the exit code says which
                System.out.println(e.problem().toPrettyString());
            } else {
                System.err.println("canopy: " + e.getMessage());
            }
            return 1;
        }
    }
}

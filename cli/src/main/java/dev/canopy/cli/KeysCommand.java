package dev.canopy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code canopy keys ...}: the organization's API keys (an admin key is needed). */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "API keys of your organization (admin keys only).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListAll.class, KeysCommand.Revoke.class})
final class KeysCommand {
    @ParentCommand
    Main main;

    @Mixin
    ApiOptions options;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a key; it is shown this once.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Option(names = "--role", required = true, description = "admin, member or viewer.")
        String role;

        @Option(names = "--description", defaultValue = "", description = "What the key is for.")
        String description;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", role);
            body.put("description", description);
            return parent.options.run(parent.main.dataDir(), api -> api.call("POST", "/keys", body), key -> {
                System.out.println("key " + key.path("key").path("id").asText() + " (" + role + "), shown this once:");
                System.out.println();
                System.out.println("    " + key.path("secret").asText());
                System.out.println();
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (never their secrets).")
    static final class ListAll implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Override
        public Integer call() {
            return parent.options.run(parent.main.dataDir(), api -> api.call("GET", "/keys", null), answer -> {
                System.out.printf("%-14s %-7s %-8s %s%n", "ID", "ROLE", "STATE", "DESCRIPTION");
                answer.path("items").forEach(k -> System.out.printf("%-14s %-7s %-8s %s%n", k.path("id").asText(),
                        k.path("role").asText(), k.hasNonNull("revokedAt") ? "revoked" : "valid", k.path("description").asText()));
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: it is refused from now on.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", description = "The key's id.")
        String id;

        @Override
        public Integer call() {
            return parent.options.delete(parent.main.dataDir(), "/keys/" + id, "key " + id + " revoked");
        }
    }
}

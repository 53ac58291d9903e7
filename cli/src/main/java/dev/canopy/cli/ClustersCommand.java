package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.DatabaseClusterStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code canopy clusters ...} (or {@code canopy cluster ...}): clusters through the control plane's API, as the key's
 * organization names them. The only way the CLI reaches clusters: the API, the portal and the CLI see one inventory.
 */
@Command(name = "clusters", aliases = "cluster", mixinStandardHelpOptions = true,
        description = "Clusters through the control plane's API (apply, create, list, get, resize, upgrade, suspend, resume, promote, delete, "
                + "sql, backup, backups, backup-policy, restore).",
        subcommands = {ApplyCommand.class, ClustersCommand.Create.class, ClustersCommand.ListAll.class, ClustersCommand.Get.class,
                ClustersCommand.Resize.class, ClustersCommand.Upgrade.class, ClustersCommand.Suspend.class,
                ClustersCommand.Resume.class, ClustersCommand.Promote.class, ClustersCommand.Delete.class, ClustersCommand.Sql.class,
                ClustersCommand.Backup.class, ClustersCommand.Backups.class, ClustersCommand.BackupPolicy.class,
                ClustersCommand.Restore.class, ClustersCommand.Users.class, ClustersCommand.Ca.class})
final class ClustersCommand {
    @ParentCommand
    Main main;

    @Mixin
    ApiOptions options;

    int run(java.util.function.Function<ApiClient, JsonNode> call, java.util.function.Consumer<JsonNode> text) {
        return options.run(main.dataDir(), call, text);
    }

    ApiClient client() {
        return options.client(main.dataDir());
    }

    static void printCluster(JsonNode c) {
        JsonNode spec = c.path("spec");
        System.out.printf("%s (region %s): %s%n", c.path("name").asText(), c.path("region").asText(), c.path("phase").asText());
        System.out.printf("  spec:      release %s, redundancy %d, %d aggregator(s) of height %s, %d leaves per group of height %s%s%n",
                spec.path("release").asText(), spec.path("redundancyLevel").asInt(), spec.path("aggregators").path("count").asInt(),
                spec.path("aggregators").path("height").asText(), spec.path("leaves").path("count").asInt(),
                spec.path("leaves").path("height").asText(), spec.path("suspended").asBoolean() ? ", suspended" : "");
        JsonNode backup = spec.path("backup");
        if (backup.isObject()) {
            JsonNode where = backup.path("destination");
            System.out.printf("  backups:   %s, newest %d kept, to %s%n",
                    backup.hasNonNull("schedule") ? "every " + backup.path("schedule").asText() : "on demand only",
                    backup.path("retention").asInt(7), where.hasNonNull("directory") ? where.path("directory").asText()
                            : where.has("s3") ? "s3://" + where.path("s3").path("bucket").asText() + "/" + where.path("s3").path("prefix").asText("")
                            : "the region's backup directory");
        }
        Replicas.line(c).ifPresent(line -> System.out.println("  replication: " + line));
        System.out.printf("  generation %d (observed %s), ETag \"%d\"%n", c.path("generation").asLong(),
                c.path("status").path("observedGeneration").asText("-"), c.path("resourceVersion").asLong());
        JsonNode status = c.path("status");
        if (status.isObject()) {
            System.out.printf("  nodes:     aggregators %s, leaves %s ready; release %s%n",
                    readyOfTotal(status.path("aggregators"), spec.path("aggregators").path("count").asInt()),
                    readyOfTotal(status.path("leaves"), spec.path("leaves").path("count").asInt() * 2),
                    status.path("release").asText("none yet"));
            Printer.upgrade(status.path("upgrade")).ifPresent(line -> System.out.println("  upgrade:   " + line));
        }
        c.path("status").path("conditions").forEach(cond -> System.out.printf("  %-14s %-5s %s: %s%n",
                cond.path("type").asText(), cond.path("status").asText(), cond.path("reason").asText(), cond.path("message").asText()));
        if (c.hasNonNull("jdbcUrl")) {
            System.out.println("  JDBC URL:  " + c.path("jdbcUrl").asText());
            System.out.println("             " + Printer.JDBC_CLIENT_HINT);
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;

        @Option(names = "--wait", description = "Follow the change until the region has carried it out; exit 1 if it failed.")
        boolean waitForIt;

        @Option(names = "--timeout", defaultValue = "30m", description = "How long --wait follows, e.g. 90s, 30m, 2h (default ${DEFAULT-VALUE}).")
        Duration timeout;

        /** Runs the change, then with --wait follows it. */
        int change(String name, java.util.function.Function<ApiClient, JsonNode> call, java.util.function.Consumer<JsonNode> text) {
            int code = parent.run(call, text);
            return code != 0 || !waitForIt ? code : parent.follow(name, timeout);
        }
    }

    /**
     * Prints the cluster's progress until the newest operation on it has ended: 0 if it succeeded, 1 if it failed or
     * did not end in time.
     */
    int follow(String name, Duration timeout) {
        ApiClient api = client();
        Progress progress = new Progress(System.out);
        DatabaseClusterStatus[] last = {null};
        return Waits.until(timeout, () -> {
            try {
                JsonNode status = api.call("GET", "/clusters/" + name, null).path("status");
                DatabaseClusterStatus now = status.isMissingNode() ? null : STATUS.treeToValue(status, DatabaseClusterStatus.class);
                if (now != null && !now.equals(last[0])) {
                    progress.statusChanged(name, last[0], now);
                    last[0] = now;
                }
            } catch (ApiClient.Failure | java.io.IOException e) {
                // deleted, or not readable for a moment: the operation says how it ends
            }
            JsonNode operation = null;
            for (JsonNode op : api.call("GET", "/operations?limit=100", null).path("items")) {
                if (name.equals(op.path("cluster").asText())) {
                    operation = op;
                    break;
                }
            }
            if (operation == null) {
                System.err.println("canopy: no operation on " + name + " to follow");
                return Optional.of(1);
            }
            String outcome = operation.path("outcome").asText();
            String line = "cluster " + name + ": " + operation.path("action").asText() + " " + outcome
                    + (operation.hasNonNull("message") ? ": " + operation.path("message").asText() : "");
            return switch (outcome) {
                case "accepted" -> Optional.empty();
                case "succeeded" -> {
                    System.out.println(line);
                    yield Optional.of(0);
                }
                default -> {
                    System.err.println("canopy: " + line);
                    yield Optional.of(1);
                }
            };
        }, "canopy: cluster " + name + " has not finished after " + timeout.toSeconds() + " s; `./canopy clusters get "
                + name + "` shows where it is");
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper STATUS = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    abstract static class Named extends Sub {
        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Option(names = "--if-match", description = "Only if the cluster's ETag is still this one.")
        String ifMatch;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a cluster.")
    static class Create extends Sub {
        @Parameters(index = "0", description = "The cluster's name.")
        String name;
        @Option(names = "--region", defaultValue = "local", description = "Region (default ${DEFAULT-VALUE}).")
        String region;
        @Option(names = "--release", defaultValue = "2.17.0", description = "Engine release (default ${DEFAULT-VALUE}).")
        String release;
        @Option(names = "--redundancy", defaultValue = "2", description = "1 or 2 (default ${DEFAULT-VALUE}).")
        int redundancy;
        @Option(names = "--aggregators", defaultValue = "1", description = "Aggregators (default ${DEFAULT-VALUE}).")
        int aggregators;
        @Option(names = "--aggregator-height", defaultValue = "0.5", description = "Height of each aggregator (default ${DEFAULT-VALUE}).")
        double aggregatorHeight;
        @Option(names = "--leaves", defaultValue = "1", description = "Leaves per availability group (default ${DEFAULT-VALUE}).")
        int leaves;
        @Option(names = "--leaf-height", defaultValue = "0.5", description = "Height of each leaf (default ${DEFAULT-VALUE}).")
        double leafHeight;
        @Option(names = "--storage-gb", defaultValue = "10", description = "Storage per leaf in GiB (default ${DEFAULT-VALUE}).")
        int storageGB;
        @Option(names = "--replica-of", paramLabel = "[REGION/]CLUSTER", description = "Make it a replica of this cluster"
                + " of the organization (in this region unless named): its rows are copied, then its changes streamed;"
                + " `clusters promote` ends it. Across regions, both of one kind: local regions, or Kubernetes regions.")
        String replicaOf;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("region", region);
            body.put("release", release);
            body.put("redundancyLevel", redundancy);
            body.put("aggregators", Map.of("count", aggregators, "height", aggregatorHeight));
            body.put("leaves", Map.of("count", leaves, "height", leafHeight, "storageGB", storageGB));
            if (replicaOf != null) {
                body.put("replicaOf", Replicas.replicaOf(replicaOf));
            }
            restoreFrom().ifPresent(source -> body.put("restoreFrom", source));
            return change(name, api -> api.call("POST", "/clusters", body), ClustersCommand::printCluster);
        }

        /** What the new cluster starts from: nothing, for a plain create. */
        Optional<Map<String, Object>> restoreFrom() {
            return Optional.empty();
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Create a cluster from a backup (of this or another region's destination); Ready once its rows are checked.")
    static final class Restore extends Create {
        @Option(names = "--from", required = true, description = "The backup's id (see `clusters backups`).")
        String backup;
        @Option(names = "--from-directory", description = "The directory holding the backup; the region's own backups by default (local regions; Kubernetes regions restore from S3 only).")
        String directory;
        @Option(names = "--from-s3-bucket", description = "The S3 bucket holding the backup.")
        String bucket;
        @Option(names = "--from-s3-endpoint", description = "The S3-compatible service's URL; AWS's when absent.")
        String endpoint;
        @Option(names = "--from-s3-prefix", description = "The key prefix of the backups in the bucket.")
        String prefix;
        @Option(names = "--from-s3-credentials-secret", description = "The region's secret holding the S3 keys; the environment's when absent.")
        String credentialsSecret;

        @Override
        Optional<Map<String, Object>> restoreFrom() {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("backup", backup);
            if (directory != null) {
                source.put("destination", Map.of("directory", directory));
            } else if (bucket != null) {
                Map<String, Object> s3 = new LinkedHashMap<>();
                s3.put("bucket", bucket);
                Optional.ofNullable(endpoint).ifPresent(e -> s3.put("endpoint", e));
                Optional.ofNullable(prefix).ifPresent(p -> s3.put("prefix", p));
                Optional.ofNullable(credentialsSecret).ifPresent(c -> s3.put("credentialsSecret", c));
                source.put("destination", Map.of("s3", s3));
            }
            return Optional.of(source);
        }
    }

    static void printBackups(JsonNode answer) {
        System.out.printf("%-44s %-10s %-20s %10s %8s  %s%n", "ID", "STATE", "CREATED", "BYTES", "SECONDS", "ROWS / REASON");
        answer.path("items").forEach(b -> System.out.printf("%-44s %-10s %-20s %10d %8.1f  %s%n",
                b.path("id").asText(), b.path("state").asText(), b.path("createdAt").asText().replaceFirst("\\.\\d+Z$", "Z"),
                b.path("sizeBytes").asLong(), b.path("durationMs").asLong() / 1000.0,
                b.path("state").asText().equals("Failed") ? b.path("reason").asText() : b.path("tableRows").toString()));
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Take a backup now, to the destination of the cluster's spec (the region's directory by default; S3 only on Kubernetes regions).")
    static final class Backup implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;
        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Override
        public Integer call() {
            return parent.run(api -> api.call("POST", "/clusters/" + name + "/backups", null),
                    answer -> System.out.println("backup of " + name + " asked for; `canopy clusters backups " + name + "` shows how it ends"));
        }
    }

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = {"The certificate of the authority a cluster's nodes serve clients with (TLS): printed (PEM), or"
                    + " written as a PKCS12 trust store for Java clients with --truststore.",
                    "The JDBC URL then takes sslMode=require and the trust store, e.g. "
                            + "?sslMode=require&sslTrustCertificateKeyStoreUrl=FILE&sslTrustCertificateKeyStorePassword=PASSWORD"
                            + "&sslTrustCertificateKeyStoreType=PKCS12 (and the same as sslClientCertificateKeyStore*: Ignite's"
                            + " driver wants a key store too, and one holding no key will do)."})
    static final class Ca implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;
        @Parameters(index = "0", description = "The cluster's name.")
        String name;
        @Option(names = "--truststore", description = "Write a PKCS12 trust store holding the certificate to this file.")
        java.nio.file.Path trustStore;
        @Option(names = "--truststore-password", defaultValue = "changeit",
                description = "The trust store's password (default ${DEFAULT-VALUE}: it guards no secret).")
        String trustStorePassword;

        @Override
        public Integer call() {
            String pem;
            try {
                pem = parent.client().text("/clusters/" + name + "/ca.pem");
            } catch (ApiClient.Failure e) {
                System.err.println("canopy: " + e.getMessage());
                return 1;
            }
            if (trustStore == null) {
                System.out.print(pem);
                return 0;
            }
            try {
                TrustStores.write(pem, trustStore, trustStorePassword);
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                System.err.println("canopy: cannot write the trust store " + trustStore + ": " + e.getMessage());
                return 1;
            }
            System.out.println("trust store written to " + trustStore + " (PKCS12, password " + trustStorePassword + "); JDBC URL settings:");
            System.out.println("  sslMode=require&sslTrustCertificateKeyStoreUrl=" + trustStore.toAbsolutePath()
                    + "&sslTrustCertificateKeyStorePassword=" + trustStorePassword + "&sslTrustCertificateKeyStoreType=PKCS12"
                    + "&sslClientCertificateKeyStoreUrl=" + trustStore.toAbsolutePath()
                    + "&sslClientCertificateKeyStorePassword=" + trustStorePassword + "&sslClientCertificateKeyStoreType=PKCS12");
            return 0;
        }
    }

    @Command(name = "users", mixinStandardHelpOptions = true,
            description = {"A cluster's database users, which clients log in as: list, create USER, rotate USER (a new password),"
                    + " delete USER.", "A password is shown once, when made; the platform keeps no copy."})
    static final class Users implements Callable<Integer> {
        enum Action { list, create, rotate, delete }

        @ParentCommand
        ClustersCommand parent;
        @Parameters(index = "0", description = "The cluster's name.")
        String name;
        @Parameters(index = "1", defaultValue = "list", description = "list, create, rotate or delete (default ${DEFAULT-VALUE}).")
        Action action;
        @Parameters(index = "2", arity = "0..1", description = "The user (create, rotate, delete).")
        String user;

        @Override
        public Integer call() {
            if (action != Action.list && user == null) {
                System.err.println("canopy: `clusters users " + name + " " + action + "` needs the user's name, e.g. `clusters users "
                        + name + " " + action + " app`");
                return 2;
            }
            String users = "/clusters/" + name + "/users";
            return switch (action) {
                case list -> parent.run(api -> api.call("GET", users, null), Users::printUsers);
                case create -> parent.run(api -> api.call("POST", users, java.util.Map.of("name", user)), Users::printLogin);
                case rotate -> parent.run(api -> api.call("POST", users + "/" + user + "/password", null), Users::printLogin);
                case delete -> parent.options.delete(parent.main.dataDir(), users + "/" + user,
                        "user " + user + " of " + name + " deleted: its logins are refused from now on");
            };
        }

        private static void printUsers(JsonNode answer) {
            if (answer.path("items").isEmpty()) {
                System.out.println("no users made through the platform; `clusters users NAME create app` makes one");
                return;
            }
            System.out.printf("%-24s %-31s %s%n", "USER", "CREATED", "PASSWORD CHANGED");
            answer.path("items").forEach(u -> System.out.printf("%-24s %-31s %s%n", u.path("user").asText(),
                    u.path("created").asText(), u.path("passwordChanged").asText()));
        }

        private static void printLogin(JsonNode login) {
            System.out.println("user:     " + login.path("user").asText());
            System.out.println("password: " + login.path("password").asText() + "   (shown this once; the platform keeps no copy)");
            if (login.hasNonNull("jdbcUrl")) {
                String url = login.path("jdbcUrl").asText();
                System.out.println("JDBC URL: " + url + (url.contains("?") ? "&" : "?") + "user=" + login.path("user").asText()
                        + "&password=<password>");
                System.out.println("          " + Printer.JDBC_CLIENT_HINT);
            }
        }
    }

    @Command(name = "backups", mixinStandardHelpOptions = true, description = "List a cluster's backups, oldest first, failed ones with their reason.")
    static final class Backups implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;
        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Override
        public Integer call() {
            return parent.run(api -> api.call("GET", "/clusters/" + name + "/backups", null), ClustersCommand::printBackups);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the organization's clusters.")
    static final class ListAll implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;

        @Override
        public Integer call() {
            return parent.run(ClustersCommand::everyPage, answer -> {
                if (answer.path("items").isEmpty()) {
                    System.out.println("no clusters; `./canopy clusters apply -f examples/orders.yaml` creates one");
                    return;
                }
                System.out.printf("%-28s %-8s %-13s %-8s %-11s %-6s%n", "NAME", "REGION", "PHASE", "RELEASE", "AGGREGATORS", "LEAVES");
                answer.path("items").forEach(c -> {
                    JsonNode spec = c.path("spec");
                    System.out.printf("%-28s %-8s %-13s %-8s %-11s %-6s%n",
                            c.path("name").asText(), c.path("region").asText(), c.path("phase").asText(), spec.path("release").asText(),
                            readyOfTotal(c.path("status").path("aggregators"), spec.path("aggregators").path("count").asInt()),
                            readyOfTotal(c.path("status").path("leaves"), spec.path("leaves").path("count").asInt() * 2));
                    // a replica's feed under its row: what a failover would lose matters more than fitting one line
                    Replicas.line(c).ifPresent(line -> System.out.println("  " + line));
                });
            });
        }
    }

    /** Every page of the list, as one answer ({@code items}): a listing reads them all. */
    static JsonNode everyPage(ApiClient api) {
        com.fasterxml.jackson.databind.node.ArrayNode items = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        String cursor = null;
        do {
            JsonNode page = api.call("GET", "/clusters?limit=1000" + (cursor == null ? ""
                    : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)), null);
            page.path("items").forEach(items::add);
            cursor = page.hasNonNull("next") ? page.path("next").asText() : null;
        } while (cursor != null);
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set("items", items);
    }

    /**
     * Nodes ready of the nodes there are, as the portal shows them; before the region reports any, none of those the
     * spec asks for ({@code wanted}: leaves in both availability groups).
     */
    static String readyOfTotal(JsonNode counts, int wanted) {
        return counts.isObject() ? counts.path("ready").asInt() + "/" + counts.path("total").asInt() : "0/" + wanted;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a cluster: spec, status, conditions, JDBC URL.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;

        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Override
        public Integer call() {
            return parent.run(api -> api.call("GET", "/clusters/" + name, null), ClustersCommand::printCluster);
        }
    }

    @Command(name = "resize", mixinStandardHelpOptions = true, description = "Change counts or heights; what is not given stays.")
    static final class Resize extends Named {
        @Option(names = "--leaves", description = "Leaves per availability group.")
        Integer leaves;
        @Option(names = "--leaf-height", description = "Height of each leaf.")
        Double leafHeight;
        @Option(names = "--aggregators", description = "Aggregators.")
        Integer aggregators;
        @Option(names = "--aggregator-height", description = "Height of each aggregator.")
        Double aggregatorHeight;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            size(leaves, leafHeight).ifPresent(s -> body.put("leaves", s));
            size(aggregators, aggregatorHeight).ifPresent(s -> body.put("aggregators", s));
            return change(name, api -> api.call("POST", "/clusters/" + name + "/resize", body, ifMatch), ClustersCommand::printCluster);
        }

        private static Optional<Map<String, Object>> size(Integer count, Double height) {
            Map<String, Object> size = new LinkedHashMap<>();
            Optional.ofNullable(count).ifPresent(c -> size.put("count", c));
            Optional.ofNullable(height).ifPresent(h -> size.put("height", h));
            return size.isEmpty() ? Optional.empty() : Optional.of(size);
        }
    }

    @Command(name = "backup-policy", mixinStandardHelpOptions = true,
            description = "Change when backups are taken and how many are kept; what is not given stays (the destination too).")
    static final class BackupPolicy extends Named {
        @Option(names = "--schedule", description = "Every N minutes, hours or days (e.g. 30m, 6h, 1d), or off (on demand only).")
        String schedule;
        @Option(names = "--retention", description = "How many of the newest good backups are kept.")
        Integer retention;

        @Override
        public Integer call() {
            return change(name, api -> {
                JsonNode current = api.call("GET", "/clusters/" + name, null).path("spec").path("backup");
                Map<String, Object> policy = new LinkedHashMap<>();
                String every = schedule != null ? schedule : current.path("schedule").asText(null);
                if (every != null && !every.equals("off")) {
                    policy.put("schedule", every);
                }
                Integer keep = retention != null ? retention : current.hasNonNull("retention") ? current.path("retention").asInt() : null;
                Optional.ofNullable(keep).ifPresent(k -> policy.put("retention", k));
                if (current.hasNonNull("destination")) {
                    policy.put("destination", current.path("destination"));
                }
                return api.call("POST", "/clusters/" + name + "/backup-policy", policy, ifMatch);
            }, ClustersCommand::printCluster);
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true, description = "Change the release.")
    static final class Upgrade extends Named {
        @Option(names = "--release", required = true, description = "The new release.")
        String release;

        @Option(names = "--strategy", description = "How an engine version change rolls out: BlueGreen (the default:"
                + " writes pause about 2 s) or CoordinatedRestart (every node restarts at once). Default: the cluster's.")
        String strategy;

        @Override
        public Integer call() {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("release", release);
            if (strategy != null) {
                body.put("strategy", strategy);
            }
            return change(name, api -> api.call("POST", "/clusters/" + name + "/upgrade", body, ifMatch),
                    ClustersCommand::printCluster);
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Stop every node, keeping the storage.")
    static final class Suspend extends Named {
        @Override
        public Integer call() {
            return change(name, api -> api.call("POST", "/clusters/" + name + "/suspend", null, ifMatch), ClustersCommand::printCluster);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Start a suspended cluster again.")
    static final class Resume extends Named {
        @Override
        public Integer call() {
            return change(name, api -> api.call("POST", "/clusters/" + name + "/resume", null, ifMatch), ClustersCommand::printCluster);
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Promote a replica to a cluster of its own:"
            + " its source is fenced (read-only) when it can be reached, the last changes come in, the feed stops."
            + " Follows it until the region says it is promoted.")
    static final class Promote implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;
        @Parameters(index = "0", description = "The replica's name.")
        String name;
        @Option(names = "--if-match", description = "Only if the cluster's ETag is still this one.")
        String ifMatch;
        @Option(names = "--timeout", defaultValue = "30m", description = "How long to follow it, e.g. 90s, 30m, 2h (default ${DEFAULT-VALUE}).")
        Duration timeout;
        @Option(names = "--no-wait", description = "Return once the promotion is asked for.")
        boolean noWait;

        @Override
        public Integer call() {
            int code = parent.run(api -> api.call("POST", "/clusters/" + name + "/promote", null, ifMatch), ClustersCommand::printCluster);
            return code != 0 || noWait ? code : Replicas.followPromotion(parent.client(), name, timeout);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a cluster: its nodes stop and its storage goes.")
    static final class Delete extends Named {
        @Option(names = "--force", description = "Delete it even while replicas are fed from it (they are left without a source).")
        boolean force;

        @Override
        public Integer call() {
            return change(name, api -> api.call("DELETE", "/clusters/" + name + (force ? "?force=true" : ""), null, ifMatch),
                    c -> System.out.println("cluster " + c.path("name").asText() + " is being deleted"));
        }
    }

    /** The SQL shell on a cluster found through the API: by the name the organization gave it, in any region. */
    @Command(name = "sql", mixinStandardHelpOptions = true,
            description = "Open a SQL shell on a cluster's aggregators, or run one statement with -e.")
    static final class Sql implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;

        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Option(names = {"-e", "--execute"}, description = "Run this statement, print its result and exit.")
        String statement;

        @Override
        public Integer call() throws java.io.IOException {
            return SqlCommand.onCluster(parent.options, parent.main.dataDir(), name, statement);
        }
    }
}

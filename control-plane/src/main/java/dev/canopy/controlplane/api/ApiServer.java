package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.controlplane.auth.Authenticator;
import dev.canopy.controlplane.auth.KeyRateLimits;
import dev.canopy.controlplane.auth.Principal;
import dev.canopy.controlplane.auth.ScrapeToken;
import dev.canopy.controlplane.clusters.ClusterQuery;
import dev.canopy.controlplane.clusters.ClusterService;
import dev.canopy.controlplane.clusters.ClusterView;
import dev.canopy.controlplane.clusters.CreateClusterRequest;
import dev.canopy.controlplane.clusters.CreateUserRequest;
import dev.canopy.controlplane.clusters.IfMatch;
import dev.canopy.controlplane.clusters.ResizeRequest;
import dev.canopy.controlplane.clusters.UpgradeRequest;
import dev.canopy.controlplane.json.Json;
import dev.canopy.controlplane.metrics.PlatformMetrics;
import dev.canopy.controlplane.organizations.OrganizationService;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.region.DatabaseLogin;
import dev.canopy.controlplane.region.RegionService;
import dev.canopy.controlplane.region.RegionUnavailableException;
import dev.canopy.controlplane.sql.SqlConsole;
import dev.canopy.controlplane.sql.SqlRequest;
import dev.canopy.controlplane.store.BusyException;
import dev.canopy.controlplane.telemetry.TelemetryHistory;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.util.MethodNotAllowedUtil;
import io.javalin.router.Endpoint;
import io.javalin.router.EndpointNotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The REST API under {@value #BASE} (JSON; errors as {@code application/problem+json}), described by the hand-written
 * {@code openapi.yaml} served at {@value #BASE}/openapi.yaml, and {@code /metrics} for Prometheus. Every route but
 * health and the OpenAPI document needs {@code Authorization: Bearer <API key>}; {@code /metrics} takes an admin key of
 * the platform organization or the scrape token. The portal's static files are served at {@code /}. A path nothing
 * answers, inside the API or not, is a 404 problem; a method a path does not take, a 405 problem naming those it takes.
 */
public final class ApiServer implements AutoCloseable {
    public static final String BASE = "/api/v1";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final Set<String> PUBLIC = Set.of(BASE + "/health", BASE + "/openapi.yaml");
    private static final String PORTAL = "/portal";
    static final long MAX_REQUEST_BYTES = 256 * 1024;
    private static final String PRINCIPAL = "canopy.principal";
    private static final String STARTED_NANOS = "canopy.startedNanos";
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ClusterService clusters;
    private final OrganizationService organizations;
    private final Authenticator authenticator;
    private final KeyRateLimits rateLimits;
    private final ScrapeToken scrapeToken;
    private final RegionService regionService;
    private final PlatformMetrics metrics;
    private final TelemetryHistory telemetry;
    private final Duration telemetryEvery;
    private final SqlConsole sql = new SqlConsole();
    private final Javalin app;

    public ApiServer(ClusterService clusters, OrganizationService organizations, Authenticator authenticator,
                     KeyRateLimits rateLimits, ScrapeToken scrapeToken, RegionService regionService, PlatformMetrics metrics,
                     TelemetryHistory telemetry, Duration telemetryEvery) {
        this.clusters = clusters;
        this.organizations = organizations;
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.scrapeToken = scrapeToken;
        this.regionService = regionService;
        this.metrics = metrics;
        this.telemetry = telemetry;
        this.telemetryEvery = telemetryEvery;
        this.app = Javalin.create(this::configure);
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        LOG.info("API listening on http://{}:{}{}", host, app.port(), BASE);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Every registered route as "METHOD /path", for the test that keeps the OpenAPI document honest. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path)
                .sorted().toList();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        // a known path asked with another method is told which methods it takes, not that it does not exist
        config.http.prefer405over404 = true;
        // a spec is a few kB: a body far bigger is refused (413) before it is read whole
        config.http.maxRequestSize = MAX_REQUEST_BYTES;
        // the portal: static HTML and JS modules calling this API; every call it makes carries the key, so the files need none
        config.staticFiles.add(PORTAL, Location.CLASSPATH);
        var routes = config.routes;
        routes.beforeMatched(ctx -> {
            // the portal's static files match too, and need no key: only the API's routes do
            if (ctx.path().startsWith(BASE + "/") && !PUBLIC.contains(ctx.path())) {
                Principal who = authenticator.authenticate(ctx.header("Authorization"));
                rateLimits.admit(who);
                ctx.attribute(PRINCIPAL, who);
            }
        });
        // before every other handler, so that the time includes authentication and rate limiting
        routes.before(ctx -> ctx.attribute(STARTED_NANOS, System.nanoTime()));
        routes.after(ctx -> {
            Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            Long started = ctx.attribute(STARTED_NANOS);
            metrics.request(ctx.method().name(), endpoint == null ? "unmatched" : endpoint.path, ctx.statusCode(),
                    java.time.Duration.ofNanos(started == null ? 0 : System.nanoTime() - started));
        });
        routes.exception(ProblemException.class, (e, ctx) -> problem(ctx, e));
        routes.exception(EndpointNotFound.class, (e, ctx) -> problem(ctx, ProblemException.notFound(
                "nothing answers " + ctx.method() + " " + ctx.path() + "; the API's routes are in " + BASE + "/openapi.yaml")));
        routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> methodNotAllowed(ctx));
        routes.exception(RegionUnavailableException.class, (e, ctx) -> {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            problem(ctx, new ProblemException(503, "Region unavailable", e.getMessage(), List.of()));
        });
        routes.exception(BusyException.class, (e, ctx) -> {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            problem(ctx, ProblemException.conflict("a concurrent request holds what this one changes; retry once it is done"));
        });
        routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> problem(ctx, new ProblemException(e.getStatus(),
                e.getStatus() == 413 ? "Content too large" : "Refused", e.getStatus() == 413
                ? "the request's body is over " + MAX_REQUEST_BYTES / 1024 + " kB" : e.getMessage(), List.of())));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString(), e);
            problem(ctx, new ProblemException(500, "Internal error", "the platform failed to answer: " + e, List.of()));
        });

        routes.get(BASE + "/health", ctx -> json(ctx, 200, health()));
        routes.get(BASE + "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApiDocument()));
        routes.get("/metrics", ctx -> {
            requireScraper(ctx.header("Authorization"));
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
        routes.get(BASE + "/regions", ctx -> json(ctx, 200, Map.of("items", regionService.list())));
        routes.post(BASE + "/regions", ctx -> json(ctx, 201, regionService.register(principal(ctx),
                Json.readRequest(ctx.body(), RegionService.RegisterRegionRequest.class))));
        routes.delete(BASE + "/regions/{name}", ctx -> {
            regionService.delete(principal(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });

        routes.get(BASE + "/organizations", ctx -> json(ctx, 200,
                Map.of("items", organizations.organizations(principal(ctx)))));
        routes.post(BASE + "/organizations", ctx -> json(ctx, 201, organizations.createOrganization(principal(ctx),
                Json.readRequest(ctx.body(), OrganizationService.CreateOrganizationRequest.class))));
        routes.delete(BASE + "/organizations/{name}", ctx -> {
            organizations.deleteOrganization(principal(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
        routes.get(BASE + "/keys", ctx -> json(ctx, 200, Map.of("items", organizations.keys(principal(ctx)))));
        routes.post(BASE + "/keys", ctx -> json(ctx, 201, organizations.createKey(principal(ctx),
                Json.readRequest(ctx.body(), OrganizationService.CreateKeyRequest.class))));
        routes.delete(BASE + "/keys/{id}", ctx -> {
            organizations.revokeKey(principal(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });

        routes.get(BASE + "/clusters", this::listClusters);
        routes.post(BASE + "/clusters", this::createCluster);
        routes.get(BASE + "/clusters/{name}", ctx -> cluster(ctx, 200, clusters.get(principal(ctx), ctx.pathParam("name"))));
        routes.delete(BASE + "/clusters/{name}", ctx ->
                cluster(ctx, 202, clusters.delete(principal(ctx), ctx.pathParam("name"), ctx.header("If-Match"),
                        "true".equals(ctx.queryParam("force")))));
        routes.put(BASE + "/clusters/{name}/spec", ctx -> cluster(ctx, 200, clusters.apply(principal(ctx),
                ctx.pathParam("name"), ctx.header("If-Match"), Json.readRequest(ctx.body(), DatabaseClusterSpec.class), ctx.body())));
        routes.post(BASE + "/clusters/{name}/resize", ctx -> cluster(ctx, 200, clusters.resize(principal(ctx),
                ctx.pathParam("name"), ctx.header("If-Match"), Json.readRequest(ctx.body(), ResizeRequest.class), ctx.body())));
        routes.post(BASE + "/clusters/{name}/upgrade", ctx -> cluster(ctx, 200, clusters.upgrade(principal(ctx),
                ctx.pathParam("name"), ctx.header("If-Match"), Json.readRequest(ctx.body(), UpgradeRequest.class), ctx.body())));
        routes.post(BASE + "/clusters/{name}/suspend", ctx ->
                cluster(ctx, 200, clusters.suspend(principal(ctx), ctx.pathParam("name"), ctx.header("If-Match"))));
        routes.post(BASE + "/clusters/{name}/resume", ctx ->
                cluster(ctx, 200, clusters.resume(principal(ctx), ctx.pathParam("name"), ctx.header("If-Match"))));
        routes.post(BASE + "/clusters/{name}/promote", ctx ->
                cluster(ctx, 200, clusters.promote(principal(ctx), ctx.pathParam("name"), ctx.header("If-Match"))));
        routes.post(BASE + "/clusters/{name}/backup-policy", ctx -> cluster(ctx, 200, clusters.backupPolicy(principal(ctx),
                ctx.pathParam("name"), ctx.header("If-Match"), Json.readRequest(ctx.body(), BackupSpec.class), ctx.body())));
        routes.post(BASE + "/clusters/{name}/backups", ctx -> json(ctx, 202,
                Map.of("items", clusters.backup(principal(ctx), ctx.pathParam("name")))));
        routes.get(BASE + "/clusters/{name}/backups", ctx -> json(ctx, 200,
                Map.of("items", clusters.backups(principal(ctx), ctx.pathParam("name")))));
        routes.get(BASE + "/clusters/{name}/ca.pem", ctx -> {
            String pem = clusters.caCertificate(principal(ctx), ctx.pathParam("name"));
            ctx.status(200).contentType("application/x-pem-file").result(pem);
        });
        routes.get(BASE + "/clusters/{name}/users", ctx -> json(ctx, 200,
                Map.of("items", clusters.users(principal(ctx), ctx.pathParam("name")))));
        routes.post(BASE + "/clusters/{name}/users", ctx -> {
            DatabaseLogin login = clusters.createUser(principal(ctx), ctx.pathParam("name"),
                    Json.readRequest(ctx.body(), CreateUserRequest.class), ctx.body());
            ctx.header("Location", BASE + "/clusters/" + ctx.pathParam("name") + "/users/" + login.user());
            secret(ctx, 201, login);
        });
        routes.post(BASE + "/clusters/{name}/users/{user}/password", ctx -> secret(ctx, 200,
                clusters.rotatePassword(principal(ctx), ctx.pathParam("name"), ctx.pathParam("user"))));
        routes.delete(BASE + "/clusters/{name}/users/{user}", ctx -> {
            clusters.deleteUser(principal(ctx), ctx.pathParam("name"), ctx.pathParam("user"));
            ctx.status(204);
        });
        routes.get(BASE + "/clusters/{name}/operations", ctx -> json(ctx, 200,
                Map.of("items", clusters.operations(principal(ctx), ctx.pathParam("name"), limit(ctx)))));
        routes.get(BASE + "/clusters/{name}/events", ctx -> json(ctx, 200,
                Map.of("items", clusters.events(principal(ctx), ctx.pathParam("name"), limit(ctx)))));
        routes.get(BASE + "/clusters/{name}/metrics", this::clusterMetrics);
        routes.post(BASE + "/clusters/{name}/sql", this::runSql);
        routes.get(BASE + "/operations", ctx -> json(ctx, 200,
                Map.of("items", clusters.operations(principal(ctx), null, limit(ctx)))));
    }

    private void createCluster(Context ctx) {
        Principal who = principal(ctx);
        String idempotencyKey = ctx.header("Idempotency-Key");
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ProblemException.badRequest("bad Idempotency-Key", List.of(
                    new FieldProblem("Idempotency-Key", "must be 1 to 255 characters")));
        }
        CreateClusterRequest request = Json.readRequest(ctx.body(), CreateClusterRequest.class);
        ClusterService.Created created = clusters.create(who, request, idempotencyKey, ctx.body());
        if (created.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.header("ETag", IfMatch.etag(created.resourceVersion()));
        ctx.header("Location", BASE + "/clusters/" + request.name());
        ctx.status(created.status()).contentType("application/json").result(created.body());
    }

    /**
     * A page of clusters. Its ETag is its content's: a client polling the list (the portal) gets 304 and no body while
     * nothing on the page changed.
     */
    private void listClusters(Context ctx) {
        ClusterQuery query = ClusterQuery.parse(ctx.queryParam("limit"), ctx.queryParam("cursor"), ctx.queryParam("region"),
                ctx.queryParam("phase"), ctx.queryParam("prefix"));
        String body = Json.write(clusters.list(principal(ctx), query));
        String etag = "\"" + contentHash(body) + "\"";
        ctx.header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType("application/json").result(body);
    }

    private static String contentHash(String body) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The cluster's telemetry, oldest sample first: only the in-memory history is read, never the cluster itself. */
    private void clusterMetrics(Context ctx) {
        Principal who = principal(ctx);
        ClusterView cluster = clusters.get(who, ctx.pathParam("name"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", cluster.name());
        body.put("intervalSeconds", telemetryEvery.toMillis() / 1000.0);
        body.put("items", telemetry.samples(new TelemetryHistory.Key(who.organization(), cluster.name())));
        json(ctx, 200, body);
    }

    /**
     * One statement on the cluster, as the platform's login or as the user whose password came with it. A viewer key is
     * refused before the body is read; the answer holds the cluster's data, which no cache may keep.
     */
    private void runSql(Context ctx) {
        Principal who = principal(ctx);
        SqlConsole.requireMayRun(who);
        SqlRequest request = SqlConsole.validated(Json.readRequest(ctx.body(), SqlRequest.class));
        secret(ctx, 200, sql.run(who, clusters.sqlTarget(who, ctx.pathParam("name")), request));
    }

    /**
     * The series name every organization's clusters and tables: only the scrape token or an admin key of the platform
     * organization reads them.
     */
    private void requireScraper(String authorization) {
        if (scrapeToken.matches(Authenticator.bearer(authorization))) {
            return;
        }
        Principal who;
        try {
            who = authenticator.authenticate(authorization);
        } catch (ProblemException e) {
            throw ProblemException.unauthorized("/metrics needs 'Authorization: Bearer <token>' with the scrape token "
                    + "(metrics.token in the platform's data directory) or an admin key of organization "
                    + OrganizationService.PLATFORM);
        }
        OrganizationService.requirePlatformAdmin(who, "read the platform's metrics");
    }

    private void methodNotAllowed(Context ctx) {
        List<String> allowed = new ArrayList<>();
        for (HandlerType type : MethodNotAllowedUtil.INSTANCE.findAvailableHttpHandlerTypes(app.unsafe.internalRouter, ctx.path())) {
            allowed.add(type.name());
        }
        // Javalin answers HEAD wherever there is a GET
        if (allowed.contains("GET") && !allowed.contains("HEAD")) {
            allowed.add("HEAD");
        }
        String methods = String.join(", ", allowed);
        ctx.header("Allow", methods);
        problem(ctx, new ProblemException(405, "Method not allowed",
                ctx.path() + " does not take " + ctx.method() + ", only " + methods, List.of()));
    }

    private Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", "ok");
        // answered without a key: no messages, which name a Kubernetes region's API server and namespace
        health.put("regions", regionService.list().stream().map(region -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", region.get("name"));
            view.put("kind", region.get("kind"));
            view.put("healthy", region.get("healthy"));
            return view;
        }).toList());
        return health;
    }

    private static int limit(Context ctx) {
        String limit = ctx.queryParam("limit");
        if (limit == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below, as for a number out of range
        }
        throw ProblemException.badRequest("bad limit", List.of(new FieldProblem("limit", "must be a whole number from 1 to 1000, got " + limit)));
    }

    private static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    private static void cluster(Context ctx, int status, ClusterView view) {
        ctx.header("ETag", IfMatch.etag(view.resourceVersion()));
        json(ctx, status, view);
    }

    /** An answer holding a password: no cache or proxy may keep it. */
    private static void secret(Context ctx, int status, Object body) {
        ctx.header("Cache-Control", "no-store");
        json(ctx, status, body);
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    private static void problem(Context ctx, ProblemException e) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("type", "about:blank");
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.getMessage());
        body.put("instance", ctx.path());
        if (!e.fields().isEmpty()) {
            body.set("errors", Json.mapper().valueToTree(e.fields()));
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        if (e instanceof ProblemException.TooManyRequests tooMany) {
            ctx.header("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
        }
        ctx.status(e.status()).contentType(PROBLEM_JSON).result(Json.write(body));
    }

    static String openApiDocument() {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is missing from the build", e);
        }
    }
}

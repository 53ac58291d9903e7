package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The control plane's API as the CLI calls it: JSON in and out, the key as a bearer token. */
final class ApiClient {
    private static final JsonMapper JSON = new JsonMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String key;

    ApiClient(String baseUrl, String key) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
    }

    /** An answer of 4xx or 5xx, with the problem's detail and every field at fault, one per line. */
    static final class Failure extends RuntimeException {
        private final transient JsonNode problem;
        private final int status;

        Failure(String message) {
            this(message, null, 0);
        }

        Failure(String message, JsonNode problem, int status) {
            super(message);
            this.problem = problem;
            this.status = status;
        }

        /** The HTTP status of the answer; 0 when none came. */
        int status() {
            return status;
        }

        /** The API's problem document as it came ({@code -o json} prints it); one made of the message otherwise. */
        JsonNode problem() {
            if (problem != null) {
                return problem;
            }
            return JSON.createObjectNode().put("detail", getMessage());
        }
    }

    JsonNode call(String method, String path, Object body) {
        return call(method, path, body, null);
    }

    /** With {@code ifMatch}, the change is made only if the cluster's ETag is still that (else the API answers 412). */
    JsonNode call(String method, String path, Object body, String ifMatch) {
        HttpResponse<String> response = send(method, path, body, ifMatch);
        try {
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw failure(response.statusCode(), json);
            }
            return json;
        } catch (IOException e) {
            throw new Failure("calling " + baseUrl + " failed: " + e.getMessage());
        }
    }

    /** A GET whose answer is text rather than JSON (a certificate), its problem read as any other's. */
    String text(String path) {
        HttpResponse<String> response = send("GET", path, null, null);
        if (response.statusCode() >= 400) {
            JsonNode json;
            try {
                json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            } catch (IOException e) {
                json = JSON.createObjectNode();
            }
            throw failure(response.statusCode(), json);
        }
        return response.body();
    }

    private HttpResponse<String> send(String method, String path, Object body, String ifMatch) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1" + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (ifMatch != null) {
                request.header("If-Match", ifMatch.startsWith("\"") ? ifMatch : "\"" + ifMatch + "\"");
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure("the platform is not running (nothing answers on " + baseUrl + "): start it with `./canopy up`,"
                    + " or give another address with --api");
        } catch (IOException e) {
            throw new Failure("calling " + baseUrl + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    private static Failure failure(int status, JsonNode json) {
        String detail = json.path("detail").asText("HTTP " + status);
        StringBuilder message = new StringBuilder(detail);
        // a single field's problem is the detail already: said once
        json.path("errors").forEach(e -> {
            String line = e.path("field").asText() + ": " + e.path("message").asText();
            if (!line.equals(detail)) {
                message.append("\n  ").append(line);
            }
        });
        return new Failure(message.toString(), json.isObject() && json.size() > 0 ? json : null, status);
    }
}

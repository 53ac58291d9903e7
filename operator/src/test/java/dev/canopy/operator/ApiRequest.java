package dev.canopy.operator;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A request to the Kubernetes API as RBAC sees it: API group, resource (with subresource), verb. */
record ApiRequest(String group, String resource, String verb) {
    private static final Pattern PATH = Pattern.compile(
            "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

    static Optional<ApiRequest> parse(String method, String path) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String group = m.group(1) == null ? "" : m.group(1);
        String resource = m.group(4) == null ? m.group(2) : m.group(2) + "/" + m.group(4);
        boolean named = m.group(3) != null;
        boolean watch = m.group(5) != null && m.group(5).contains("watch=true");
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return Optional.of(new ApiRequest(group, resource, verb));
    }

    @Override
    public String toString() {
        return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
    }
}

package dev.canopy.controlplane.problem;

import java.util.List;

/**
 * A request refused, with what the client needs to know: the HTTP status, a short title, the detail and, for a bad
 * request, every field at fault. The API turns it into an {@code application/problem+json} answer (RFC 9457).
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<FieldProblem> fields;

    public ProblemException(int status, String title, String detail, List<FieldProblem> fields) {
        super(detail);
        this.status = status;
        this.title = title;
        this.fields = List.copyOf(fields);
    }

    public static ProblemException badRequest(String detail, List<FieldProblem> fields) {
        return new ProblemException(400, "Bad request", detail, fields);
    }

    public static ProblemException invalid(List<FieldProblem> fields) {
        return new ProblemException(422, "Invalid request", fields.size() == 1
                ? fields.getFirst().field() + ": " + fields.getFirst().message()
                : fields.size() + " fields are invalid", fields);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail, List.of());
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail, List.of());
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail, List.of());
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail, List.of());
    }

    /** Too many requests: the client may retry after that many seconds (the answer's {@code Retry-After}). */
    public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
        return new TooManyRequests(detail, retryAfterSeconds);
    }

    /** A 429, with the seconds to wait before a retry. */
    public static final class TooManyRequests extends ProblemException {
        private final long retryAfterSeconds;

        TooManyRequests(String detail, long retryAfterSeconds) {
            super(429, "Too many requests", detail, List.of());
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(412, "Precondition failed", detail, List.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldProblem> fields() {
        return fields;
    }
}

package dev.canopy.controlplane.problem;

/** What is wrong with one field of a request, e.g. {@code leaves.count}: {@code must be 1 to 64, got 0}. */
public record FieldProblem(String field, String message) {

    /** Splits a validator message {@code "spec.leaves.count: must be ..."} into its field (without "spec.") and reason. */
    public static FieldProblem fromSpecMessage(String message) {
        int colon = message.indexOf(": ");
        if (colon < 0) {
            return new FieldProblem("spec", message);
        }
        String field = message.substring(0, colon);
        field = field.startsWith("spec.") ? field.substring("spec.".length()) : field;
        field = field.equals("metadata.name") ? "name" : field;
        return new FieldProblem(field, message.substring(colon + 2));
    }
}

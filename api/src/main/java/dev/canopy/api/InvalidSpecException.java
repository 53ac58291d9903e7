package dev.canopy.api;

import java.util.List;

/** A spec refused before anything was touched; {@link #problems()} holds one message per problem. */
public class InvalidSpecException extends RuntimeException {
    private final List<String> problems;

    public InvalidSpecException(List<String> problems) {
        super("invalid DatabaseCluster:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

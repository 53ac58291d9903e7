package dev.canopy.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The bench's command line: {@code --quick} (3 runs instead of 5), {@code --runs N} (any count, for development) and
 * {@code --only GROUP[,GROUP]} (only these figure groups); {@code --keep} leaves the work directory (node logs) in place;
 * {@code --publish}, with {@code --only}, publishes those groups' figures beside the last full run's table.
 */
record Arguments(boolean quick, int runs, List<String> only, boolean keep, boolean publish) {

    static Arguments parse(List<String> args, List<String> groups) {
        boolean quick = false;
        boolean keep = false;
        boolean publish = false;
        Integer runs = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--quick" -> quick = true;
                case "--keep" -> keep = true;
                case "--publish" -> publish = true;
                case "--runs" -> {
                    runs = Integer.parseInt(value(args, ++i, arg));
                    if (runs < 1) {
                        throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
                    }
                }
                case "--only" -> {
                    for (String group : value(args, ++i, arg).split(",")) {
                        if (!groups.contains(group.strip())) {
                            throw new IllegalArgumentException("--only: unknown group " + group + " (groups: "
                                    + String.join(", ", groups) + ")");
                        }
                        only.add(group.strip());
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (usage: bench [--quick] [--runs N] [--only GROUP[,GROUP] [--publish]] [--keep]; groups: " + String.join(", ", groups) + ")");
            }
        }
        if (publish && only.isEmpty()) {
            throw new IllegalArgumentException("--publish goes with --only (a full run publishes its table anyway)");
        }
        return new Arguments(quick, runs != null ? runs : quick ? 3 : 5, List.copyOf(only), keep, publish);
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(index);
    }
}

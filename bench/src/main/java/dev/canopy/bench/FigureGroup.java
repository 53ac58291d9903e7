package dev.canopy.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A group of figures measured together (often on one cluster): {@code ./canopy bench --only <name>} runs one group.
 * Each run records its values into the shared {@link Runs}; the figures are assembled once every run is done.
 */
interface FigureGroup {

    /** The name {@code --only} selects it by. */
    String name();

    /** One run, in its own directory under the bench's temporary one; every process it starts is stopped before it returns. */
    void run(int run, Path dir, Runs runs) throws Exception;

    /** The group's figures from every run recorded so far. */
    List<Figure> figures(Runs runs);
}

package dev.canopy.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.canopy.api.RestoreSource;

/** A cluster created from a backup: where from, and how far the restore got. It turns Ready only once Restored. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreState(RestoreSource source, Stage stage, String reason) {

    public enum Stage { Pending, Restoring, Restored, Failed }

    public static RestoreState pending(RestoreSource source) {
        return new RestoreState(source, Stage.Pending, null);
    }

    public RestoreState to(Stage next, String why) {
        return new RestoreState(source, next, why);
    }
}

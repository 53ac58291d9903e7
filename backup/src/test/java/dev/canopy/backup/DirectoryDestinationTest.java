package dev.canopy.backup;

class DirectoryDestinationTest extends DestinationContract {
    @Override
    Destination destination() {
        return new DirectoryDestination(work.resolve("backups"));
    }
}

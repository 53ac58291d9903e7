/** Backups and restores of DatabaseClusters to S3, run by the operator with the backup module's procedure. */
package dev.canopy.operator.backup;

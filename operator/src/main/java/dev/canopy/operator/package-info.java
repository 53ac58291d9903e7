/** The Kubernetes operator: DatabaseCluster resources reconciled by core through the Kubernetes runtime. */
package dev.canopy.operator;

package dev.canopy.api;

public enum Phase {
    Provisioning, Ready, Scaling, Upgrading, Degraded, Suspended, Failed
}

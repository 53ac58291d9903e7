package dev.canopy.controlplane.store;

/** What a key may do in its organization. */
public enum Role {
    /** everything, including keys */
    admin,
    /** create and change clusters */
    member,
    /** read only */
    viewer;

    public boolean mayChangeClusters() {
        return this != viewer;
    }

    public boolean mayManageKeys() {
        return this == admin;
    }
}

/**
 * The storage classes DigitalOcean's CSI driver installs on every DOKS cluster, with
 * their reclaim policy (digitalocean/csi-digitalocean, deploy/kubernetes/releases/
 * csi-digitalocean-v4.14.0/driver.yaml). `do-block-storage` is the cluster default and
 * deletes its volume when the claim goes; the `-retain` classes keep it.
 */
export const DOKS_STORAGE_CLASSES = {
  "do-block-storage": "Delete",
  "do-block-storage-retain": "Retain",
  "do-block-storage-xfs": "Delete",
  "do-block-storage-xfs-retain": "Retain",
} as const satisfies Record<string, "Delete" | "Retain">;

/**
 * DigitalOcean block storage (ReadWriteOnce, grown online) whose volume outlives its
 * claim: an uninstalled or replaced release, or a deleted PVC, leaves the volume
 * Released, to be bound again (docs/runbooks/storage-class-migration.md).
 */
export const RETAINED_BLOCK_STORAGE = "do-block-storage-retain" satisfies keyof typeof DOKS_STORAGE_CLASSES;

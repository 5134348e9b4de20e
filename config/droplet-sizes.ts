/**
 * Droplet sizes a DOKS node pool may use, with what a node offers to pods.
 *
 * `allocatableMemoryGiB` is the memory left after DOKS reserves some for the
 * kubelet, the OS and eviction headroom (DigitalOcean publishes these per size;
 * the figures grow with the node). CPU is not reserved per size in the same way,
 * so the per-node system overhead in the cluster config covers it.
 */
export interface DropletSize {
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly allocatableMemoryGiB: number;
}

export const DROPLET_SIZES: Readonly<Record<string, DropletSize>> = {
  "s-2vcpu-4gb": { vcpus: 2, memoryGiB: 4, allocatableMemoryGiB: 2.5 },
  "s-4vcpu-8gb": { vcpus: 4, memoryGiB: 8, allocatableMemoryGiB: 6 },
  "s-8vcpu-16gb": { vcpus: 8, memoryGiB: 16, allocatableMemoryGiB: 13 },
  "c-4": { vcpus: 4, memoryGiB: 8, allocatableMemoryGiB: 6 },
  "c-8": { vcpus: 8, memoryGiB: 16, allocatableMemoryGiB: 13 },
  "c-16": { vcpus: 16, memoryGiB: 32, allocatableMemoryGiB: 28 },
  "g-4vcpu-16gb": { vcpus: 4, memoryGiB: 16, allocatableMemoryGiB: 13 },
  "g-8vcpu-32gb": { vcpus: 8, memoryGiB: 32, allocatableMemoryGiB: 28 },
  "g-16vcpu-64gb": { vcpus: 16, memoryGiB: 64, allocatableMemoryGiB: 58 },
};

export const DROPLET_SIZE_SLUGS = Object.keys(DROPLET_SIZES);

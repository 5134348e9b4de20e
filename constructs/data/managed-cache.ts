import { Construct } from "constructs";
import { DatabaseValkeyConfig } from "@cdktf/provider-digitalocean/lib/database-valkey-config";
import type { ValkeyConfig } from "../../config/data";
import { ManagedDatabase, type DatabasePlacementProps } from "./managed-database";

export interface ManagedCacheProps extends DatabasePlacementProps {
  readonly config: ValkeyConfig;
}

/**
 * What Valkey evicts when memory runs out. `volatile_lru` only ever evicts keys
 * that carry a TTL (price cache, rate-limit counters, WebSocket registrations),
 * least recently used first, so memory pressure can never log a user out by
 * evicting a session key that carries no TTL; when nothing with a TTL is left,
 * writes fail loudly instead (and the memory alert fires first). LRU rather
 * than `volatile_ttl`, which would evict the short-lived rate-limit counters
 * first and so lift rate limits under load.
 */
export const CACHE_EVICTION_POLICY = "volatile_lru";

/**
 * Valkey, DigitalOcean's Redis-compatible successor to its retired managed
 * Redis, for sessions, the price cache, rate limiting and the WebSocket
 * registry. TLS is required, and RDB snapshots keep sessions across a restart.
 */
export class ManagedCache extends Construct {
  /** The cluster: its primary node and standbys. */
  readonly primary: ManagedDatabase;
  readonly settings: DatabaseValkeyConfig;

  constructor(scope: Construct, id: string, props: ManagedCacheProps) {
    super(scope, id);
    const { config, ...placement } = props;
    this.primary = new ManagedDatabase(this, "primary", {
      ...placement,
      engine: "valkey",
      version: config.version,
      size: config.size,
      nodeCount: config.nodeCount,
      maintenanceWindow: config.maintenanceWindow,
      // On the cluster: the provider's Valkey config resource has no eviction setting.
      evictionPolicy: CACHE_EVICTION_POLICY,
    });
    this.settings = new DatabaseValkeyConfig(this, "settings", {
      clusterId: this.primary.cluster.id,
      ssl: true,
      persistence: "rdb",
    });
  }
}

import { Construct } from "constructs";
import { DatabaseMongodbConfig } from "@cdktf/provider-digitalocean/lib/database-mongodb-config";
import type { MongodbConfig } from "../../config/data";
import { ManagedDatabase, type DatabasePlacementProps } from "./managed-database";

export interface ManagedMongoProps extends DatabasePlacementProps {
  readonly config: MongodbConfig;
}

/**
 * MongoDB for trading analytics and user behaviour (the guide's application
 * logs go to Loki instead: docs/guide-adaptations.md). With three nodes it is a
 * replica set; a "majority" write concern acknowledges a write only once most
 * members hold it, so a failover never loses an acknowledged write.
 */
export class ManagedMongo extends Construct {
  /** The cluster: its primary node and standbys. */
  readonly primary: ManagedDatabase;
  readonly settings: DatabaseMongodbConfig;

  constructor(scope: Construct, id: string, props: ManagedMongoProps) {
    super(scope, id);
    const { config, ...placement } = props;
    this.primary = new ManagedDatabase(this, "primary", {
      ...placement,
      engine: "mongodb",
      version: config.version,
      size: config.size,
      nodeCount: config.nodeCount,
      maintenanceWindow: config.maintenanceWindow,
    });
    this.settings = new DatabaseMongodbConfig(this, "settings", {
      clusterId: this.primary.cluster.id,
      defaultWriteConcern: String(config.writeConcern),
    });
  }
}

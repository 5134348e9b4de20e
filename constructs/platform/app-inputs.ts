import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { DataDigitaloceanDatabaseCa } from "@cdktf/provider-digitalocean/lib/data-digitalocean-database-ca";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { EnvironmentConfig, ServiceName } from "../../config";
import { REPLICA_PURPOSES, type ReplicaPurpose } from "../../config/data";
import type { PlatformLayerConfig } from "../../config/platform";
import type { ClusterAddon } from "../core/cluster-addon";
import { DATABASE_PORTS } from "../core/ports";
import { SensitiveVariable } from "../core/sensitive-variable";
import { AppService, DATABASE_CA_KEY } from "./app-service";

/**
 * What the app services read in their namespace: their Secrets (filled from the data stack
 * and sensitive variables, never from values), the PostgreSQL CA, and the three services
 * themselves. Built in the scope they are given (the platform stack), not in a child
 * construct, so their logical ids stay the ones deployed state knows.
 */

/** The ConfigMap of the PostgreSQL clusters' CA certificate, mounted into the services that read PostgreSQL. */
export const DATABASE_CA_CONFIG_MAP = "database-ca";

/** The Secret holding an app service's credentials (its envFrom). */
export function appSecretName(service: ServiceName): string {
  return `${service}-env`;
}

/** The CA DigitalOcean signs the cluster's certificates with, its read-only replicas' included. */
export function databaseCaConfigMap(scope: Construct, namespace: string, postgresClusterId: string): ConfigMapV1 {
  return new ConfigMapV1(scope, "database-ca", {
    metadata: { name: DATABASE_CA_CONFIG_MAP, namespace },
    data: { [DATABASE_CA_KEY]: new DataDigitaloceanDatabaseCa(scope, "postgres-ca", { clusterId: postgresClusterId }).certificate },
  });
}

/** The private connections the app services get: the data stack's outputs. */
export interface AppDatabases {
  /** The PgBouncer pool the app services use. */
  readonly poolUri: string;
  /** The read-only replicas by purpose, verified against DATABASE_CA_FILE. */
  readonly replicaUris: ReadonlyMap<ReplicaPurpose, string>;
  readonly redisUrl: string;
  readonly mongodbUrl: string;
}

/**
 * The backend's and the functions' Secrets. The backend runs the guide's analytics and
 * reporting queries: it is the only service on PostgreSQL ("Backend → PostgreSQL (Primary +
 * Read Replicas)"); the functions work on Valkey, MongoDB and external APIs, the frontend on
 * the API. Each replica reaches it under the variable of its purpose.
 */
export function appSecrets(
  scope: Construct,
  props: { readonly namespace: string; readonly secrets: PlatformLayerConfig["secrets"]; readonly databases: AppDatabases },
): { readonly backend: SecretV1; readonly functions: SecretV1 } {
  const { namespace, secrets, databases } = props;
  const jwtSecret = SensitiveVariable.of(scope, {
    name: secrets.jwtSecretVariable,
    purpose: `Secret that signs the API's JWTs (JWT_SECRET of the Secret ${appSecretName("backend")})`,
  });
  const exchangeKey = SensitiveVariable.of(scope, {
    name: secrets.exchangeKeyVariable,
    purpose: `Key that encrypts exchange credentials at rest (EXCHANGE_SECRETS_KEY of the Secret ${appSecretName("backend")})`,
  });
  const replicaUrls = Object.fromEntries([...databases.replicaUris].map(([purpose, uri]) => [REPLICA_PURPOSES[purpose], uri]));
  return {
    backend: new SecretV1(scope, "backend-env", {
      metadata: { name: appSecretName("backend"), namespace },
      data: {
        DATABASE_URL: databases.poolUri,
        ...replicaUrls,
        REDIS_URL: databases.redisUrl,
        MONGODB_URL: databases.mongodbUrl,
        JWT_SECRET: jwtSecret.stringValue,
        EXCHANGE_SECRETS_KEY: exchangeKey.stringValue,
      },
    }),
    functions: new SecretV1(scope, "functions-env", {
      metadata: { name: appSecretName("functions"), namespace },
      data: { REDIS_URL: databases.redisUrl, MONGODB_URL: databases.mongodbUrl },
    }),
  };
}

export interface AppServicesProps {
  readonly environment: EnvironmentConfig;
  readonly namespace: string;
  readonly vpcCidr: string;
  readonly secrets: { readonly backend: SecretV1; readonly functions: SecretV1 };
  /**
   * The add-ons every service waits for: the ingress controller (the Ingresses need its
   * admission webhook and class) and kube-prometheus-stack (whose CRDs the chart checks for
   * before it renders its ServiceMonitor).
   */
  readonly after: readonly ClusterAddon[];
  /** The schema migration (the data layer's SchemaMigrationJob): it finishes before the backend rolls out. */
  readonly migration: { readonly job: JobV1 };
  /** The PostgreSQL CA ConfigMap (databaseCaConfigMap) the backend mounts: it exists before the backend's pods start. */
  readonly databaseCa: ConfigMapV1;
}

/** The frontend, the backend and the functions, each an AppService with its Secret and egress. */
export function appServices(scope: Construct, props: AppServicesProps): Readonly<Record<ServiceName, AppService>> {
  const { environment, namespace } = props;
  const databaseEgress = [{ cidr: props.vpcCidr, ports: [...DATABASE_PORTS] }];
  const addons = props.after.flatMap((addon) => addon.releases);
  const service = (name: ServiceName, secret: SecretV1 | undefined, after: readonly ITerraformDependable[]) =>
    new AppService(scope, `app-${name}`, {
      environment,
      service: name,
      namespace,
      image: environment.platform.images[name],
      // The plain name (the Secret's own attribute is a token); dependsOn orders the two.
      secretName: secret ? appSecretName(name) : undefined,
      databaseCaConfigMap: name === "backend" ? DATABASE_CA_CONFIG_MAP : undefined,
      databaseEgress: name === "frontend" ? [] : databaseEgress,
      imagePullSecrets: [`registry-${environment.registry.name}`],
      dependsOn: [...addons, ...(secret ? [secret] : []), ...after],
    });
  return {
    frontend: service("frontend", undefined, []),
    backend: service("backend", props.secrets.backend, [props.migration.job, props.databaseCa]),
    functions: service("functions", props.secrets.functions, []),
  };
}

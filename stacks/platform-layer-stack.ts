import { TerraformVariable, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { EnvironmentConfig, Region, ServiceName } from "../config";
import type { StateBackendOptions } from "../config/runtime";
import { AppNamespace } from "../constructs/app-namespace";
import { AppService } from "../constructs/app-service";
import { ClusterProviders } from "../constructs/cluster-providers";
import { IngressController } from "../constructs/ingress-controller";
import { MetricsServer } from "../constructs/metrics-server";
import { SchemaMigrationJob } from "../constructs/schema-migration-job";
import { DNS_EGRESS } from "../constructs/secure-namespace";
import type { ClusterStack } from "./cluster-stack";
import type { DataStack } from "./data-stack";
import { PlatformStack } from "./platform-stack";

/** The namespace of the app services. */
export const APP_NAMESPACE = "cryptopulse";

/** DigitalOcean managed database ports: PostgreSQL, its PgBouncer pools and Valkey, MongoDB. */
export const DATABASE_PORTS = [25060, 25061, 27017] as const;

export interface PlatformLayerStackProps {
  readonly environment: EnvironmentConfig;
  readonly region: Region;
  readonly cluster: ClusterStack;
  readonly data: DataStack;
  readonly state: StateBackendOptions;
}

/**
 * What runs inside a workload cluster: metrics-server, ingress-nginx behind
 * Cloudflare, the app namespace with its default-deny policy and RBAC, the
 * app's Secrets (filled from the data stack and sensitive variables, never
 * from values), and the schema migration that runs before the backend rolls.
 */
export class PlatformLayerStack extends PlatformStack {
  readonly ingress: IngressController;
  readonly appNamespace: AppNamespace;
  readonly migration: SchemaMigrationJob;
  readonly services: { readonly frontend: AppService; readonly backend: AppService; readonly functions: AppService };
  /** Secret names per app service, for `envFrom`. */
  readonly appSecrets: { readonly backend: SecretV1; readonly functions: SecretV1 };

  constructor(scope: Construct, props: PlatformLayerStackProps) {
    const { environment, region, data } = props;
    super(scope, {
      environment,
      layer: "platform",
      region: region.slug,
      providers: ["digitalocean", "cloudflare", "tls"],
      state: props.state,
    });
    this.addDependency(props.cluster);
    new ClusterProviders(this, "cluster", { clusterName: props.cluster.clusterName });
    const { platform } = environment;

    new MetricsServer(this, "metrics-server", { replicas: environment.tier === "production" ? 2 : 1 });
    this.ingress = new IngressController(this, "ingress", {
      loadBalancerName: `${props.cluster.clusterName}-ingress`,
      loadBalancerSizeUnit: platform.ingress.loadBalancerSizeUnit,
      minReplicas: platform.ingress.minReplicas,
      maxReplicas: platform.ingress.maxReplicas,
      apex: environment.domain.apex,
    });

    this.appNamespace = new AppNamespace(this, "apps", {
      name: APP_NAMESPACE,
      developerGroups: platform.rbac.developerGroups,
      deployerGroups: platform.rbac.deployerGroups,
    });
    const namespace = this.appNamespace.namespace.name;

    const secret = (name: string) =>
      new TerraformVariable(this, name, { type: "string", sensitive: true, nullable: false, description: `Set TF_VAR_${name}` });
    const jwtSecret = secret(platform.secrets.jwtSecretVariable);
    const exchangeKey = secret(platform.secrets.exchangeKeyVariable);
    const redisUrl = data.cache.primary.cluster.privateUri;
    const mongodbUrl = data.mongo.primary.cluster.privateUri;
    this.appSecrets = {
      backend: new SecretV1(this, "backend-env", {
        metadata: { name: appSecretName("backend"), namespace },
        data: {
          // The first PgBouncer pool of the config serves the app services.
          DATABASE_URL: [...data.postgres.pools.values()][0].privateUri,
          REDIS_URL: redisUrl,
          MONGODB_URL: mongodbUrl,
          JWT_SECRET: jwtSecret.stringValue,
          EXCHANGE_SECRETS_KEY: exchangeKey.stringValue,
        },
      }),
      functions: new SecretV1(this, "functions-env", {
        metadata: { name: appSecretName("functions"), namespace },
        data: { REDIS_URL: redisUrl, MONGODB_URL: mongodbUrl },
      }),
    };

    // Under default-deny, a migration started before its egress policy could not reach the database.
    const migrationEgress = new NetworkPolicyV1(this, "schema-migration-egress", {
      metadata: { name: "schema-migration-egress", namespace },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "schema-migration" } },
        policyTypes: ["Egress"],
        egress: [
          DNS_EGRESS,
          { to: [{ ipBlock: { cidr: region.vpcCidr } }], ports: DATABASE_PORTS.map((port) => ({ protocol: "TCP", port: String(port) })) },
        ],
      },
    });
    this.migration = new SchemaMigrationJob(this, "schema-migration", {
      namespace,
      connection: data.postgres.migrationConnection,
      postgresMajor: environment.data.postgres.version,
      dependsOn: [migrationEgress],
    });

    const databaseEgress = [{ cidr: region.vpcCidr, ports: [...DATABASE_PORTS] }];
    // Only after the ingress controller: the Ingresses need its admission webhook and class.
    const service = (name: ServiceName, secret: SecretV1 | undefined, after: ITerraformDependable[]) =>
      new AppService(this, `app-${name}`, {
        environment,
        service: name,
        namespace,
        image: platform.images[name],
        // The plain name (the Secret's own attribute is a token); dependsOn orders the two.
        secretName: secret ? appSecretName(name) : undefined,
        databaseEgress: name === "frontend" ? [] : databaseEgress,
        imagePullSecrets: [`registry-${environment.registry.name}`],
        dependsOn: [this.ingress.release, ...(secret ? [secret] : []), ...after],
      });
    this.services = {
      frontend: service("frontend", undefined, []),
      // The schema migration finishes before the backend rolls out.
      backend: service("backend", this.appSecrets.backend, [this.migration.job]),
      functions: service("functions", this.appSecrets.functions, []),
    };
  }
}

/** The Secret holding an app service's credentials (its envFrom). */
function appSecretName(service: ServiceName): string {
  return `${service}-env`;
}

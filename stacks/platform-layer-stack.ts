import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { DataDigitaloceanDatabaseCa } from "@cdktf/provider-digitalocean/lib/data-digitalocean-database-ca";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { EnvironmentConfig, Region, ServiceName } from "../config";
import { REPLICA_PURPOSES } from "../config/data";
import { logsBucketName } from "../config/observability";
import type { StateBackendOptions } from "../config/runtime";
import { AlertContacts } from "../constructs/core/alert-contacts";
import { AppNamespace } from "../constructs/platform/app-namespace";
import { AppService, DATABASE_CA_FILE, DATABASE_CA_KEY } from "../constructs/platform/app-service";
import { APP_NAMESPACE, BACKUP_NAMESPACE } from "../constructs/core/namespaces";
import { DATABASE_PORTS } from "../constructs/core/ports";
import { backupAlertRules, BackupJobs } from "../constructs/backup/backup-jobs";
import { ClusterProviders } from "../constructs/platform/cluster-providers";
import { IngressController, ingressLoadBalancerName } from "../constructs/platform/ingress-controller";
import { LogBucket, Logging, LOKI_DATASOURCE } from "../constructs/observability/logging";
import { MetricsAdapter } from "../constructs/platform/metrics-adapter";
import { MetricsServer } from "../constructs/platform/metrics-server";
import { Monitoring } from "../constructs/observability/monitoring";
import { SchemaMigrationJob } from "../constructs/data/schema-migration-job";
import { SensitiveVariable } from "../constructs/core/sensitive-variable";
import { DNS_EGRESS } from "../constructs/core/secure-namespace";
import { UptimeChecks } from "../constructs/observability/uptime-checks";
import type { ClusterStack } from "./cluster-stack";
import type { BackupStack } from "./backup-stack";
import type { DataStack } from "./data-stack";
import { LayerStack } from "./layer-stack";



/** The ConfigMap of the PostgreSQL clusters' CA certificate, mounted into the services that read PostgreSQL. */
export const DATABASE_CA_CONFIG_MAP = "database-ca";


export interface PlatformLayerStackProps {
  readonly environment: EnvironmentConfig;
  readonly region: Region;
  readonly cluster: ClusterStack;
  readonly data: DataStack;
  /** The backup bucket of every region, the primary region's first. */
  readonly backups: readonly BackupStack[];
  readonly state: StateBackendOptions;
}

/**
 * What runs inside a workload cluster: metrics-server, ingress-nginx behind
 * Cloudflare, the app namespace with its default-deny policy and RBAC, the
 * app's Secrets (filled from the data stack and sensitive variables, never
 * from values), and the schema migration that runs before the backend rolls.
 */
export class PlatformLayerStack extends LayerStack {
  readonly ingress: IngressController;
  readonly monitoring: Monitoring;
  /** Loki and Fluent Bit (namespaces `logging` and `log-collector`). */
  readonly logging: Logging;
  readonly appNamespace: AppNamespace;
  readonly migration: SchemaMigrationJob;
  readonly services: { readonly frontend: AppService; readonly backend: AppService; readonly functions: AppService };
  /** The PostgreSQL CA certificate (DATABASE_CA_CONFIG_MAP), which the backend verifies its replica connections against. */
  readonly databaseCa: ConfigMapV1;
  /** Secret names per app service, for `envFrom`. */
  readonly appSecrets: { readonly backend: SecretV1; readonly functions: SecretV1 };
  /** Database dumps, configuration snapshots and the restore test (namespace `backups`). */
  readonly backups: BackupJobs;

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
    for (const backup of props.backups) this.addDependency(backup);
    new ClusterProviders(this, "cluster", { clusterName: props.cluster.clusterName });
    const { platform } = environment;

    new MetricsServer(this, "metrics-server", { replicas: environment.tier === "production" ? 2 : 1 });
    this.ingress = new IngressController(this, "ingress", {
      loadBalancerName: ingressLoadBalancerName(props.cluster.clusterName),
      loadBalancerSizeUnit: platform.ingress.loadBalancerSizeUnit,
      minReplicas: platform.ingress.minReplicas,
      maxReplicas: platform.ingress.maxReplicas,
      autoscaling: environment.autoscaling,
      apex: environment.domain.apex,
      vpcCidr: region.vpcCidr,
    });

    // Observability: kube-prometheus-stack, and uptime checks of the public hosts from outside. The
    // checks belong with the public edge and move to its stack once it exists.
    const contacts = new AlertContacts(this, "alert-contacts", { alerts: environment.alerts });
    this.monitoring = new Monitoring(this, "monitoring", {
      observability: environment.observability,
      alerts: environment.alerts,
      slackWebhookUrls: contacts.slackWebhookUrls,
      databases: [data.postgres.primary.cluster, data.cache.primary.cluster, data.mongo.primary.cluster],
      ruleGroups: { backups: [backupAlertRules(BACKUP_NAMESPACE, environment.backup.schedule.dumpIntervalHours)] },
      dataSources: [LOKI_DATASOURCE],
    });
    // Centralized logs: Fluent Bit → masking → Loki, chunks in a Spaces bucket of this region.
    const { logs } = environment.observability;
    this.logging = new Logging(this, "logging", {
      logs,
      bucket: new LogBucket(this, "log-bucket", {
        name: logsBucketName(environment.backup.bucketPrefix, environment.name, region.slug),
        region: region.slug,
        retentionDays: logs.retentionDays,
      }),
      monitoringNamespace: this.monitoring.namespaceName,
    });
    // The HPAs' traffic triggers (request queue, response time) from Prometheus.
    new MetricsAdapter(this, "metrics-adapter", { prometheus: this.monitoring, replicas: environment.tier === "production" ? 2 : 1 });
    new UptimeChecks(this, "uptime", {
      hosts: [environment.domain.apex, environment.domain.app, environment.domain.api],
      path: environment.healthCheck.path,
      targets: contacts.targets,
      latencySeconds: environment.observability.thresholds.latencySeconds,
      sslExpiryDays: environment.observability.thresholds.certificateExpiryDays,
    });

    this.appNamespace = new AppNamespace(this, "apps", {
      name: APP_NAMESPACE,
      developerGroups: platform.rbac.developerGroups,
      deployerGroups: platform.rbac.deployerGroups,
    });
    const namespace = this.appNamespace.namespace.name;

    const jwtSecret = SensitiveVariable.of(this, {
      name: platform.secrets.jwtSecretVariable,
      purpose: `Secret that signs the API's JWTs (JWT_SECRET of the Secret ${appSecretName("backend")})`,
    });
    const exchangeKey = SensitiveVariable.of(this, {
      name: platform.secrets.exchangeKeyVariable,
      purpose: `Key that encrypts exchange credentials at rest (EXCHANGE_SECRETS_KEY of the Secret ${appSecretName("backend")})`,
    });
    const redisUrl = data.cache.primary.cluster.privateUri;
    const mongodbUrl = data.mongo.primary.cluster.privateUri;
    // The CA DigitalOcean signs the cluster's certificates with, its read-only replicas' included.
    this.databaseCa = new ConfigMapV1(this, "database-ca", {
      metadata: { name: DATABASE_CA_CONFIG_MAP, namespace },
      data: { [DATABASE_CA_KEY]: new DataDigitaloceanDatabaseCa(this, "postgres-ca", { clusterId: data.postgres.primary.cluster.id }).certificate },
    });
    // The backend runs the guide's analytics and reporting queries: it is the only service on
    // PostgreSQL ("Backend → PostgreSQL (Primary + Read Replicas)"); the functions work on Valkey,
    // MongoDB and external APIs, the frontend on the API. Each replica reaches it under the
    // variable of its purpose, verified against the cluster's CA.
    const replicaUrls = Object.fromEntries(
      [...data.postgres.replicaUris(DATABASE_CA_FILE)].map(([purpose, uri]) => [REPLICA_PURPOSES[purpose], uri]),
    );
    this.appSecrets = {
      backend: new SecretV1(this, "backend-env", {
        metadata: { name: appSecretName("backend"), namespace },
        data: {
          // The first PgBouncer pool of the config serves the app services.
          DATABASE_URL: [...data.postgres.pools.values()][0].privateUri,
          ...replicaUrls,
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
    // Only after the ingress controller: the Ingresses need its admission webhook and class; and after
    // kube-prometheus-stack, whose CRDs the chart checks for before it renders its ServiceMonitor.
    const service = (name: ServiceName, secret: SecretV1 | undefined, after: ITerraformDependable[]) =>
      new AppService(this, `app-${name}`, {
        environment,
        service: name,
        namespace,
        image: platform.images[name],
        // The plain name (the Secret's own attribute is a token); dependsOn orders the two.
        secretName: secret ? appSecretName(name) : undefined,
        databaseCaConfigMap: name === "backend" ? DATABASE_CA_CONFIG_MAP : undefined,
        databaseEgress: name === "frontend" ? [] : databaseEgress,
        imagePullSecrets: [`registry-${environment.registry.name}`],
        dependsOn: [this.ingress.release, this.monitoring.release, ...(secret ? [secret] : []), ...after],
      });
    this.services = {
      frontend: service("frontend", undefined, []),
      // The schema migration finishes before the backend rolls out; its CA file exists before its pods start.
      backend: service("backend", this.appSecrets.backend, [this.migration.job, this.databaseCa]),
      functions: service("functions", this.appSecrets.functions, []),
    };

    this.backups = new BackupJobs(this, "backups", {
      environment: environment.name,
      namespace: BACKUP_NAMESPACE,
      image: environment.backup.image,
      schedule: environment.backup.schedule,
      imagePullSecrets: [`registry-${environment.registry.name}`],
      buckets: props.backups.map((stack) => stack.backup),
      recipients: [...environment.backup.recipients, environment.backup.restoreTestRecipient],
      postgres: data.postgres.migrationConnection,
      mongodbUri: data.mongo.primary.cluster.privateUri,
      databaseEgress: { cidr: region.vpcCidr, ports: DATABASE_PORTS },
    });
  }
}

/** The Secret holding an app service's credentials (its envFrom). */
function appSecretName(service: ServiceName): string {
  return `${service}-env`;
}

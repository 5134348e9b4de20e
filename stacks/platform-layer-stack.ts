import type { Construct } from "constructs";
import type { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { EnvironmentConfig, Region, ServiceName } from "../config";
import { logsBucketName } from "../config/observability";
import type { StateBackendOptions } from "../config/runtime";
import { backupAlertRules, BackupJobs } from "../constructs/backup/backup-jobs";
import { AlertContacts } from "../constructs/core/alert-contacts";
import { APP_NAMESPACE, BACKUP_NAMESPACE } from "../constructs/core/namespaces";
import { DATABASE_PORTS } from "../constructs/core/ports";
import { SchemaMigrationJob } from "../constructs/data/schema-migration-job";
import { LogBucket, Logging, LOKI_DATASOURCE } from "../constructs/observability/logging";
import { Monitoring } from "../constructs/observability/monitoring";
import { UptimeChecks } from "../constructs/observability/uptime-checks";
import { appSecrets, appServices, databaseCaConfigMap } from "../constructs/platform/app-inputs";
import { AppNamespace } from "../constructs/platform/app-namespace";
import { DATABASE_CA_FILE, type AppService } from "../constructs/platform/app-service";
import { ClusterProviders } from "../constructs/platform/cluster-providers";
import { IngressController, ingressLoadBalancerName } from "../constructs/platform/ingress-controller";
import { MetricsAdapter } from "../constructs/platform/metrics-adapter";
import { MetricsServer } from "../constructs/platform/metrics-server";
import type { BackupStack } from "./backup-stack";
import type { ClusterStack } from "./cluster-stack";
import type { DataStack } from "./data-stack";
import { LayerStack } from "./layer-stack";

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
  readonly services: Readonly<Record<ServiceName, AppService>>;
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

    // Observability: kube-prometheus-stack, and uptime checks of the public hosts from outside. The checks stay
    // beside the contacts they alert: in the edge stack they would be replaced, alerts and all.
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

    this.databaseCa = databaseCaConfigMap(this, namespace, data.postgres.primary.cluster.id);
    this.appSecrets = appSecrets(this, {
      namespace,
      secrets: platform.secrets,
      databases: {
        // The first PgBouncer pool of the config serves the app services.
        poolUri: [...data.postgres.pools.values()][0].privateUri,
        replicaUris: data.postgres.replicaUris(DATABASE_CA_FILE),
        redisUrl: data.cache.primary.cluster.privateUri,
        mongodbUrl: data.mongo.primary.cluster.privateUri,
      },
    });
    this.migration = new SchemaMigrationJob(this, "schema-migration", {
      namespace,
      connection: data.postgres.migrationConnection,
      postgresMajor: environment.data.postgres.version,
      databaseEgress: { cidr: region.vpcCidr, ports: DATABASE_PORTS },
    });
    this.services = appServices(this, {
      environment,
      namespace,
      vpcCidr: region.vpcCidr,
      secrets: this.appSecrets,
      after: [this.ingress, this.monitoring],
      migration: this.migration,
      databaseCa: this.databaseCa,
    });

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

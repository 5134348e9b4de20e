import { production } from "./environments/production";
import { staging } from "./environments/staging";
import type { CostAllocationConfig } from "./allocation";
import type { BudgetConfig } from "./budget";
import type { ClusterConfig } from "./cluster";
import type { ObservabilityConfig } from "./observability";
import type { PlatformLayerConfig } from "./platform";
import type { BackupConfig } from "./backup";
import type { DataConfig } from "./data";
import type { EdgeConfig } from "./edge";
import type { RegionSlug } from "./regions";
import {
  platformConfigSchema,
  type AlertsConfig,
  type AutoscalingConfig,
  type EnvironmentTier,
  type HealthCheckConfig,
  type PlatformConfigInput,
  type RegionConfig,
  type RegistryConfig,
  type ServiceConfig,
  type ServiceName,
} from "./schema";
import { parseOrThrow } from "./validate";

export { ConfigError } from "./errors";
export type { RegionSlug } from "./regions";
export { WWW_LABEL } from "./schema";
export type { AlertsConfig, EnvironmentInput, PlatformConfigInput, RegionConfig, ServiceConfig, ServiceName } from "./schema";

/** A validated region with its slug narrowed to the supported set. */
export interface Region extends RegionConfig {
  readonly slug: RegionSlug;
}

/** One environment, validated and with its derived names resolved. */
export interface EnvironmentConfig {
  readonly name: string;
  readonly tier: EnvironmentTier;
  readonly description: string;
  readonly domain: {
    readonly zone: string;
    readonly apex: string;
    /** Fully qualified API host, e.g. api.cryptopulse.com. */
    readonly api: string;
    /** Fully qualified web app host, e.g. app.cryptopulse.com. */
    readonly app: string;
  };
  /** Every region, primary first. */
  readonly regions: readonly Region[];
  readonly primaryRegion: Region;
  readonly drRegions: readonly Region[];
  readonly services: Readonly<Record<ServiceName, ServiceConfig>>;
  readonly autoscaling: AutoscalingConfig;
  readonly healthCheck: HealthCheckConfig;
  readonly alerts: AlertsConfig;
  readonly cluster: ClusterConfig;
  readonly platform: PlatformLayerConfig;
  /** The Cloudflare zone in front of the ingress: plan, certificates, WAF, rate limits, cache and headers. */
  readonly edge: EdgeConfig;
  /** Prometheus, Alertmanager and Grafana sizing, alert thresholds and mail routing. */
  readonly observability: ObservabilityConfig;
  /** Managed PostgreSQL, Valkey and MongoDB in the primary region. */
  readonly data: DataConfig;
  /** Monthly budget (USD) that the cost estimate at maximum scale must stay within. */
  readonly budget: BudgetConfig;
  /** The team charged per layer and service: the `team:` tag of every taggable resource. */
  readonly costAllocation: CostAllocationConfig;
  /** Backup buckets, the keys dumps are encrypted to, the backup tools image. */
  readonly backup: BackupConfig;
  /** The account's container registry, and whether this environment owns it. */
  readonly registry: RegistryConfig & { readonly owned: boolean };
}

export interface PlatformConfig {
  readonly environments: readonly EnvironmentConfig[];
}

/** The environments this repository deploys, and what they share in the account. */
export const PLATFORM_CONFIG: PlatformConfigInput = {
  registry: { name: "cryptopulse", subscriptionTier: "basic", region: "fra1", ownerEnvironment: "production" },
  environments: { staging, production },
};

/**
 * Validates the whole configuration once and resolves derived values.
 * Throws ConfigError (one line per problem) before any stack is built.
 */
export function loadPlatformConfig(input: unknown = PLATFORM_CONFIG): PlatformConfig {
  const parsed = parseOrThrow(platformConfigSchema, input, "invalid platform configuration");
  const environments = Object.entries(parsed.environments).map(([name, environment]): EnvironmentConfig => {
    // The schema guarantees the slugs are supported and exactly one region is primary.
    const regions = environment.regions as Region[];
    const primaryRegion = regions.find((region) => region.role === "primary") as Region;
    const drRegions = regions.filter((region) => region.role === "dr");
    return {
      name,
      tier: environment.tier,
      description: environment.description,
      domain: {
        zone: environment.domain.zone,
        apex: environment.domain.apex,
        api: `${environment.domain.apiHost}.${environment.domain.apex}`,
        app: `${environment.domain.appHost}.${environment.domain.apex}`,
      },
      regions: [primaryRegion, ...drRegions],
      primaryRegion,
      drRegions,
      services: environment.services,
      autoscaling: environment.autoscaling,
      healthCheck: environment.healthCheck,
      alerts: environment.alerts,
      cluster: environment.cluster,
      platform: environment.platform,
      edge: environment.edge,
      observability: environment.observability,
      data: environment.data,
      budget: environment.budget,
      costAllocation: environment.costAllocation,
      backup: environment.backup,
      registry: { ...parsed.registry, owned: parsed.registry.ownerEnvironment === name },
    };
  });
  return { environments };
}

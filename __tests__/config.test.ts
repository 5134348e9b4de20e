import { loadPlatformConfig, type PlatformConfigInput } from "../config";
import { problemsOf, shippedConfig } from "./helpers";

/* eslint-disable @typescript-eslint/no-explicit-any -- invalid inputs are deliberately off-type */
type Mutation = (config: any) => void;

describe("the shipped configuration", () => {
  const config = loadPlatformConfig();
  const byName = (name: string) => config.environments.find((environment) => environment.name === name)!;

  it("defines staging and production", () => {
    expect(config.environments.map((environment) => environment.name).sort()).toEqual(["production", "staging"]);
  });

  it("serves production from cryptopulse.com with api. and app. hosts", () => {
    expect(byName("production").domain).toEqual({
      zone: "cryptopulse.com",
      apex: "cryptopulse.com",
      api: "api.cryptopulse.com",
      app: "app.cryptopulse.com",
    });
  });

  it("keeps staging out of the production zone", () => {
    expect(byName("staging").domain.zone).not.toBe("cryptopulse.com");
  });

  it("gives production a primary region and at least one DR region, primary first", () => {
    const production = byName("production");
    expect(production.primaryRegion.role).toBe("primary");
    expect(production.drRegions.length).toBeGreaterThanOrEqual(1);
    expect(production.regions[0]).toBe(production.primaryRegion);
  });

  it("carries the guide's numbers as defaults", () => {
    const production = byName("production");
    expect(production.services.backend).toMatchObject({ port: 1337, cpuMillicores: 2000, memoryMiB: 4096, replicas: { min: 2, max: 10 } });
    expect(production.services.frontend).toMatchObject({ port: 3000, cpuMillicores: 1000, memoryMiB: 2048 });
    expect(production.services.functions).toMatchObject({ port: 3001, memoryMiB: 512 });
    expect(production.autoscaling).toEqual({
      cpuUtilizationPercent: 70,
      memoryUtilizationPercent: 80,
      scaleUpCooldownSeconds: 300,
      scaleDownCooldownSeconds: 600,
    });
    expect(production.healthCheck).toEqual({ path: "/health", intervalSeconds: 30, timeoutSeconds: 10, retries: 3 });
  });
});

describe("configuration validation", () => {
  const P = "environments.production";
  const cases: [string, Mutation, string][] = [
    [
      "unknown region slug",
      (c) => (c.environments.production.regions[1].slug = "fra9"),
      `${P}.regions[1].slug = "fra9": unknown DigitalOcean region; allowed: ams3, atl1, blr1, fra1, lon1, nyc3, sfo2, sfo3, sgp1, syd1, tor1`,
    ],
    [
      "duplicate regions",
      (c) => (c.environments.production.regions[1].slug = "fra1"),
      `${P}.regions[1].slug = "fra1": duplicate region: already listed at regions[0]`,
    ],
    [
      "missing primary region",
      (c) => (c.environments.production.regions[0].role = "dr"),
      `${P}.regions = [2 items]: missing primary region: roles are ["dr","dr"]; exactly one region needs role "primary"`,
    ],
    [
      "two primary regions",
      (c) => (c.environments.production.regions[1].role = "primary"),
      `${P}.regions[1].role = "primary": only one primary region allowed: regions[0] is primary already`,
    ],
    [
      "production without a DR region",
      (c) => c.environments.production.regions.pop(),
      `${P}.regions = [1 item]: production needs at least one region with role "dr" for backup copies`,
    ],
    [
      "unknown region role",
      (c) => (c.environments.production.regions[1].role = "backup"),
      `${P}.regions[1].role = "backup": Invalid option: expected one of "primary"|"dr"`,
    ],
    [
      "overlapping CIDRs inside one environment",
      (c) => (c.environments.production.regions[1].vpcCidr = "10.20.128.0/17"),
      `${P}.regions[1].vpcCidr = "10.20.128.0/17": overlapping CIDRs: overlaps 10.20.0.0/16 at ${P}.regions[0].vpcCidr; VPC ranges must be unique in the account`,
    ],
    [
      "overlapping CIDRs across environments",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.30.0.0/16"),
      `${P}.regions[0].vpcCidr = "10.30.0.0/16": overlapping CIDRs: overlaps 10.30.0.0/16 at environments.staging.regions[0].vpcCidr; VPC ranges must be unique in the account`,
    ],
    [
      "malformed CIDR",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.20.0.0"),
      `${P}.regions[0].vpcCidr = "10.20.0.0": malformed CIDR: expected an IPv4 range such as 10.20.0.0/16`,
    ],
    [
      "CIDR with a zero octet written twice",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.20.00.0/16"),
      `${P}.regions[0].vpcCidr = "10.20.00.0/16": leading zeros: write 10.20.0.0/16 (some tools read a number with a leading zero as octal)`,
    ],
    [
      "CIDR too large for a VPC",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.0.0.0/12"),
      `${P}.regions[0].vpcCidr = "10.0.0.0/12": VPC prefix must be between /16 and /24`,
    ],
    [
      "public CIDR",
      (c) => (c.environments.production.regions[0].vpcCidr = "8.8.0.0/16"),
      `${P}.regions[0].vpcCidr = "8.8.0.0/16": not a private range: VPCs must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
    ],
    [
      "CIDR with host bits",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.20.0.1/16"),
      `${P}.regions[0].vpcCidr = "10.20.0.1/16": host bits set: the address must be the first of its range`,
    ],
    [
      "CIDR in DOKS' reserved range",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.244.0.0/20"),
      `${P}.regions[0].vpcCidr = "10.244.0.0/20": overlaps 10.244.0.0/16, reserved by DigitalOcean for DOKS networking`,
    ],
    [
      "malformed domain",
      (c) => (c.environments.production.domain.zone = "https://cryptopulse.com"),
      `${P}.domain.zone = "https://cryptopulse.com": malformed domain: expected lowercase DNS labels joined by dots, e.g. example.com (no scheme, no trailing dot)`,
    ],
    [
      "apex outside its zone",
      (c) => (c.environments.production.domain.apex = "cryptopulse.io"),
      `${P}.domain.apex = "cryptopulse.io": must be the zone cryptopulse.com or a name inside it`,
    ],
    [
      "host that is not one label",
      (c) => (c.environments.production.domain.apiHost = "api.v2"),
      `${P}.domain.apiHost = "api.v2": malformed host label: expected one lowercase DNS label such as api`,
    ],
    [
      "replicas min > max",
      (c) => (c.environments.production.services.backend.replicas = { min: 12, max: 10 }),
      `${P}.services.backend.replicas.min = 12: min must not exceed max (10)`,
    ],
    [
      "zero replicas",
      (c) => (c.environments.production.services.frontend.replicas = { min: 0, max: 10 }),
      `${P}.services.frontend.replicas.min = 0: at least 1 replica: a service scaled to zero serves nothing`,
    ],
    [
      "two services on one port",
      (c) => (c.environments.production.services.functions.port = 1337),
      `${P}.services.functions.port = 1337: port already used by backend`,
    ],
    [
      "utilization target above 100 %",
      (c) => (c.environments.production.autoscaling.cpuUtilizationPercent = 170),
      `${P}.autoscaling.cpuUtilizationPercent = 170: a percentage from 1 to 100`,
    ],
    [
      "health check timeout not shorter than its interval",
      (c) => (c.environments.production.healthCheck.timeoutSeconds = 30),
      `${P}.healthCheck.timeoutSeconds = 30: must be shorter than intervalSeconds (30)`,
    ],
    [
      "an alert recipient that is not an email",
      (c) => (c.environments.production.alerts.emails = ["devops-at-cryptopulse"]),
      `${P}.alerts.emails[0] = "devops-at-cryptopulse": not an email address`,
    ],
    [
      "a Slack webhook given as a value instead of a variable name",
      (c) => (c.environments.production.alerts.slack[0].webhookUrlVariable = "https://hooks.slack.com/services/T0/B0/X"),
      `${P}.alerts.slack[0].webhookUrlVariable = "https://hooks.slack.com/services/T0/B0/X": a Terraform variable name: lowercase letters, digits and _ (set it as TF_VAR_<name>)`,
    ],
    [
      "the JWT secret on the Slack webhook's variable",
      (c) => (c.environments.production.platform.secrets.jwtSecretVariable = "alerts_slack_webhook_url"),
      `${P}.platform.secrets.jwtSecretVariable = "alerts_slack_webhook_url": already used by alerts.slack[0].webhookUrlVariable; each secret needs its own Terraform variable`,
    ],
    [
      "two Slack channels on one webhook variable",
      (c) => c.environments.production.alerts.slack.push({ channel: "#cryptopulse-oncall", webhookUrlVariable: "alerts_slack_webhook_url" }),
      `${P}.alerts.slack[1].webhookUrlVariable = "alerts_slack_webhook_url": already used by alerts.slack[0].webhookUrlVariable; each Slack channel needs its own webhook variable (an incoming webhook posts to one channel)`,
    ],
    [
      "a variable name Terraform reserves",
      (c) => (c.environments.production.observability.grafana.adminPasswordVariable = "count"),
      `${P}.observability.grafana.adminPasswordVariable = "count": reserved by Terraform (source, version, providers, count, for_each, lifecycle, depends_on, locals); choose another name`,
    ],
    [
      "one variable name for two purposes in two environments",
      (c) => {
        c.environments.staging.alerts.slack[0].webhookUrlVariable = "alerts_oncall_webhook_url";
        c.environments.production.observability.grafana.adminPasswordVariable = "alerts_oncall_webhook_url";
      },
      `${P}.observability.grafana.adminPasswordVariable = "alerts_oncall_webhook_url": already used by environments.staging.alerts.slack[0].webhookUrlVariable; each secret needs its own Terraform variable`,
    ],
    [
      "no security contact",
      (c) => (c.environments.production.alerts.securityEmails = []),
      `${P}.alerts.securityEmails = [0 items]: at least one security contact (the guide's security@cryptopulse.app)`,
    ],
    [
      "a config that predates the security contact",
      (c) => delete c.environments.production.alerts.securityEmails,
      `${P}.alerts.securityEmails = (missing): Invalid input: expected array, received undefined`,
    ],
    [
      "production that pages in business hours only",
      (c) => (c.environments.production.alerts.pageAroundTheClock = false),
      `${P}.alerts.pageAroundTheClock = false: production must page around the clock: the guide's P1 has 24/7 coverage`,
    ],
    [
      "staging whose on-call is production's",
      (c) => (c.environments.staging.alerts.emails = ["devops@cryptopulse.app"]),
      `environments.staging.alerts.emails[0] = "devops@cryptopulse.app": reaches production's contact environments.production.alerts.emails[0]; staging's on-call is mailed at any hour, so it needs addresses of its own`,
    ],
    [
      "staging whose on-call is production's mailbox under a +tag",
      (c) => (c.environments.staging.alerts.emails = ["Tech-Lead+staging@cryptopulse.app"]),
      `environments.staging.alerts.emails[0] = "Tech-Lead+staging@cryptopulse.app": reaches production's contact environments.production.alerts.emails[1]; staging's on-call is mailed at any hour, so it needs addresses of its own`,
    ],
    [
      "staging whose on-call is production's security contact",
      (c) => c.environments.staging.alerts.emails.push("security@cryptopulse.app"),
      `environments.staging.alerts.emails[1] = "security@cryptopulse.app": reaches production's contact environments.production.alerts.securityEmails[0]; staging's on-call is mailed at any hour, so it needs addresses of its own`,
    ],
    [
      "staging on production's Slack webhook",
      (c) => (c.environments.staging.alerts.slack[0].webhookUrlVariable = "alerts_slack_webhook_url"),
      `environments.staging.alerts.slack[0].webhookUrlVariable = "alerts_slack_webhook_url": is production's Slack webhook (environments.production.alerts.slack[0].webhookUrlVariable); staging's alerts need a channel and webhook variable of their own`,
    ],
    [
      "staging in production's Slack channel",
      (c) => (c.environments.staging.alerts.slack[0].channel = "#cryptopulse-alerts"),
      `environments.staging.alerts.slack[0].channel = "#cryptopulse-alerts": is production's Slack channel (environments.production.alerts.slack[0].channel); staging's alerts need a channel and webhook variable of their own`,
    ],
    [
      "staging paging production's security contact around the clock",
      (c) => (c.environments.staging.alerts.pageAroundTheClock = true),
      `environments.staging.alerts.securityEmails[0] = "security@cryptopulse.app": reaches production's contact environments.production.alerts.securityEmails[0] while staging pages around the clock (alerts.pageAroundTheClock): set it to false or give staging security contacts of its own`,
    ],
    [
      "a failed-login ratio of more than all requests",
      (c) => (c.environments.production.observability.security.authFailureRatio = 1.5),
      `${P}.observability.security.authFailureRatio = 1.5: a ratio below 1`,
    ],
    [
      "an alert window DigitalOcean does not offer",
      (c) => (c.environments.production.alerts.thresholds.window = "15m"),
      `${P}.alerts.thresholds.window = "15m": Invalid option: expected one of "5m"|"10m"|"30m"|"1h"`,
    ],
    [
      "misspelled field",
      (c) => (c.environments.production.regions[0].vpcCIDR = "10.20.0.0/16"),
      `${P}.regions[0].vpcCIDR = "10.20.0.0/16": unknown field (check its spelling)`,
    ],
    [
      "missing field",
      (c) => delete c.environments.production.description,
      `${P}.description = (missing): Invalid input: expected string, received undefined`,
    ],
    [
      "malformed environment name",
      (c) => (c.environments.Prod = c.environments.production),
      `environments.Prod = "Prod": environment names are 2-20 lowercase letters, digits or dashes`,
    ],
    [
      "no environment at all",
      (c) => (c.environments = {}),
      `environments = {}: at least one environment`,
    ],
  ];

  it.each(cases)("rejects %s with a line naming the field, the value and the rule", (_name, mutate, expected) => {
    const input = shippedConfig();
    mutate(input);
    expect(problemsOf(() => loadPlatformConfig(input))).toContain(expected);
  });

  it("lets staging page around the clock when every contact it pages is its own", () => {
    const input: any = shippedConfig();
    input.environments.staging.alerts.pageAroundTheClock = true;
    input.environments.staging.alerts.securityEmails = ["security-staging@cryptopulse.app"];
    expect(loadPlatformConfig(input).environments.find((environment) => environment.name === "staging")!.alerts.pageAroundTheClock).toBe(true);
  });

  it("reports every problem of one input, one line each", () => {
    const input: any = shippedConfig();
    input.environments.production.regions[1].slug = "fra9";
    input.environments.staging.domain.zone = "not a domain";
    input.environments.staging.services.backend.replicas = { min: 5, max: 3 };
    const problems = problemsOf(() => loadPlatformConfig(input as PlatformConfigInput));
    expect(problems).toHaveLength(3);
    for (const line of problems) expect(line).not.toContain("\n");
  });
});

describe("names and entries that must not repeat", () => {
  const P = "environments.production";
  const S = "environments.staging";
  const cases: [string, Mutation, string][] = [
    [
      "the app host on the apex's www alias",
      (c) => (c.environments.production.domain.appHost = "www"),
      `${P}.domain.appHost = "www": duplicate hostname: www.cryptopulse.com is the apex's www alias already; the apex, www.<apex>, the app host and the API host must all differ`,
    ],
    [
      "a host name longer than DNS allows",
      (c) => {
        const apex = `${"a".repeat(61)}.${"b".repeat(61)}.${"c".repeat(61)}.${"d".repeat(61)}.com`;
        c.environments.production.domain = { ...c.environments.production.domain, zone: apex, apex };
      },
      `${P}.domain.apiHost = "api": the API host is 255 characters long; DNS names end at 253`,
    ],
    [
      "two environments on one Cloudflare zone",
      (c) => (c.environments.production.domain = { ...c.environments.production.domain, zone: "cryptopulse-staging.com", apex: "www.cryptopulse-staging.com" }),
      `${P}.domain.zone = "cryptopulse-staging.com": zone already used by ${S}.domain.zone; each environment needs a zone of its own (its edge stack owns the zone's settings and rulesets)`,
    ],
    [
      "a name served by two environments from nested zones",
      (c) => (c.environments.staging.domain = { ...c.environments.staging.domain, zone: "app.cryptopulse.com", apex: "app.cryptopulse.com" }),
      `${P}.domain.appHost = "app": duplicate hostname: the app host app.cryptopulse.com is served by ${S}.domain.apex already`,
    ],
    [
      "an alert recipient listed twice",
      (c) => c.environments.production.alerts.emails.push("devops@cryptopulse.app"),
      `${P}.alerts.emails[2] = "devops@cryptopulse.app": duplicate recipient: already listed at emails[0]`,
    ],
    [
      "a backup recipient listed twice",
      (c) => (c.environments.production.backup = { ...c.environments.production.backup, recipients: [c.environments.production.backup.recipients[0], c.environments.production.backup.recipients[0]] }),
      `${P}.backup.recipients[1] = "age1j3namta3vm9r689d433p7ae8mslextuz59f3pyf6xmql7vst2y3svutwm3": duplicate recipient: already listed at recipients[0]`,
    ],
    [
      "an admin CIDR listed twice",
      (c) => c.environments.production.cluster.adminCidrs.push("198.51.100.0/28"),
      `${P}.cluster.adminCidrs[2] = "198.51.100.0/28": duplicate admin CIDR: already listed at adminCidrs[0]`,
    ],
    [
      "a blocked path listed twice",
      (c) => (c.environments.production.edge = { ...c.environments.production.edge, blockedPathPrefixes: ["/admin", "/actuator", "/admin"] }),
      `${P}.edge.blockedPathPrefixes[2] = "/admin": duplicate path prefix: already listed at blockedPathPrefixes[0]`,
    ],
    [
      "a cached extension listed twice",
      (c) => (c.environments.production.edge = { ...c.environments.production.edge, staticAssets: { ...c.environments.production.edge.staticAssets, extensions: ["js", "css", "js"] } }),
      `${P}.edge.staticAssets.extensions[2] = "js": duplicate extension: already listed at extensions[0]`,
    ],
    [
      "a rate-limit method listed twice",
      (c) => {
        const edge = c.environments.production.edge;
        c.environments.production.edge = { ...edge, plan: "business", rateLimits: [{ ...edge.rateLimits[0], methods: ["POST", "PUT", "POST"] }, edge.rateLimits[1]] };
      },
      `${P}.edge.rateLimits[0].methods[2] = "POST": duplicate method: already listed at methods[0]`,
    ],
    [
      "a deployer group listed twice",
      (c) => (c.environments.production.platform = { ...c.environments.production.platform, rbac: { developerGroups: [], deployerGroups: ["ci", "ci"] } }),
      `${P}.platform.rbac.deployerGroups[1] = "ci": duplicate group: already listed at deployerGroups[0]`,
    ],
  ];

  it.each(cases)("rejects %s with one line", (_name, mutate, expected) => {
    const input = shippedConfig();
    mutate(input);
    expect(problemsOf(() => loadPlatformConfig(input))).toContain(expected);
  });

  it("reports a host clash inside one environment once, not again as a clash with itself", () => {
    const input: any = shippedConfig();
    input.environments.production.domain.apiHost = "app";
    expect(problemsOf(() => loadPlatformConfig(input))).toEqual([
      `${P}.domain.apiHost = "app": duplicate hostname: app.cryptopulse.com is the app host already; the apex, www.<apex>, the app host and the API host must all differ`,
    ]);
  });
});

describe("time zones, as Alertmanager will load them", () => {
  const field = (environment: string) => `environments.${environment}.observability.alerting.businessHours.timezone`;
  const withTimeZone = (timezone: string) => {
    const input: any = shippedConfig();
    input.environments.staging.observability.alerting.businessHours = { ...input.environments.staging.observability.alerting.businessHours, timezone };
    return input;
  };

  it.each(["Europe/Berlin", "UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "US/Eastern"])("accepts %s", (timezone) => {
    expect(() => loadPlatformConfig(withTimeZone(timezone))).not.toThrow();
  });

  it.each([
    ["a zone spelled wrong", "Europe/Berlinn", "unknown time zone: not in the IANA time zone database; e.g. Europe/Berlin, America/New_York, UTC"],
    ["a zone that does not exist", "Mars/Olympus_Mons", "unknown time zone: not in the IANA time zone database; e.g. Europe/Berlin, America/New_York, UTC"],
    ["a zone in lower case, which Go looks up case-sensitively", "europe/berlin", "time zone names are case-sensitive: write Europe/Berlin"],
    ["an alias in lower case", "us/eastern", "time zone names are case-sensitive: each part starts with a capital, e.g. America/New_York"],
    ["an offset instead of a zone", "+01:00", "an IANA time zone such as Europe/Berlin"],
  ])("rejects %s with one line", (_name, timezone, rule) => {
    expect(problemsOf(() => loadPlatformConfig(withTimeZone(timezone)))).toEqual([`${field("staging")} = ${JSON.stringify(timezone)}: ${rule}`]);
  });
});

describe("ports, wherever the configuration takes one", () => {
  const P = "environments.production";
  const cases: [string, Mutation, string][] = [
    [
      "an SMTP relay on port 0",
      (c) => (c.environments.production.observability.alerting = { ...c.environments.production.observability.alerting, smtp: { ...c.environments.production.observability.alerting.smtp, smarthost: "smtp.sendgrid.net:00" } }),
      `${P}.observability.alerting.smtp.smarthost = "smtp.sendgrid.net:00": the port is out of range: ports are 1-65535, e.g. 587`,
    ],
    [
      "an SMTP relay on a port past 65535",
      (c) => (c.environments.production.observability.alerting = { ...c.environments.production.observability.alerting, smtp: { ...c.environments.production.observability.alerting.smtp, smarthost: "smtp.sendgrid.net:65536" } }),
      `${P}.observability.alerting.smtp.smarthost = "smtp.sendgrid.net:65536": the port is out of range: ports are 1-65535, e.g. 587`,
    ],
    [
      "an image registry on a port past 65535",
      (c) => (c.environments.production.platform.images.backend = { ...c.environments.production.platform.images.backend, repository: "registry.internal:70000/cryptopulse/backend" }),
      `${P}.platform.images.backend.repository = "registry.internal:70000/cryptopulse/backend": the registry's port is out of range: ports are 1-65535`,
    ],
    [
      "a service port past 65535",
      (c) => (c.environments.production.services.backend = { ...c.environments.production.services.backend, port: 70000 }),
      `${P}.services.backend.port = 70000: ports end at 65535`,
    ],
  ];

  it.each(cases)("rejects %s with one line", (_name, mutate, expected) => {
    const input = shippedConfig();
    mutate(input);
    expect(problemsOf(() => loadPlatformConfig(input))).toEqual([expected]);
  });

  it("accepts an image registry with a port in range", () => {
    const input: any = shippedConfig();
    input.environments.production.platform.images.backend = { ...input.environments.production.platform.images.backend, repository: "registry.internal:5000/cryptopulse/backend" };
    expect(() => loadPlatformConfig(input)).not.toThrow();
  });
});

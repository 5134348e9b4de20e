import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { loadPlatformConfig } from "../config";
import { problemsOf, shippedConfig } from "./helpers";

/**
 * The guide's numbers reach the constructs through one channel: config/seed.ts feeds the
 * environment files, loadPlatformConfig validates them, the stacks hand each construct its
 * slice. A construct or stack that reads the seed itself would bypass the validation and let
 * an environment's setting silently not apply.
 */

const ROOT = path.resolve(__dirname, "..");

describe("the config channel", () => {
  const sources = ["constructs", "stacks"].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join(dir, file)),
  );

  it("has sources to check", () => {
    expect(sources.length).toBeGreaterThan(30);
  });

  it("no construct or stack imports config/seed.ts", () => {
    const readers = sources.filter((file) => /from "(?:\.\.\/)+config\/seed"/.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(readers).toEqual([]);
  });
});

describe("the guide's numbers, validated where they are configured", () => {
  const PROD = "environments.production";

  it.each([
    [
      "a dump interval that does not divide the day",
      (c: ReturnType<typeof shippedConfig>) => (c.environments.production.backup.schedule = { ...c.environments.production.backup.schedule, dumpIntervalHours: 5 }),
      `${PROD}.backup.schedule.dumpIntervalHours = 5: hours that divide the day evenly: 1, 2, 3, 4, 6, 8, 12, 24`,
    ],
    [
      "a rate-limit burst that is not a multiple of the rate",
      (c: ReturnType<typeof shippedConfig>) => {
        const { ingress } = c.environments.production.platform;
        c.environments.production.platform.ingress = { ...ingress, rateLimits: { ...ingress.rateLimits, api: { requestsPerSecond: 10, burst: 25 } } };
      },
      `${PROD}.platform.ingress.rateLimits.api.burst = 25: burst must be a whole multiple of requestsPerSecond (ingress-nginx's burst multiplier)`,
    ],
    [
      "an escalation response time Alertmanager would never repeat within",
      (c: ReturnType<typeof shippedConfig>) => {
        const { alerting } = c.environments.production.observability;
        c.environments.production.observability.alerting = { ...alerting, escalation: { ...alerting.escalation, P4: { responseHours: 200, allHours: false } } };
      },
      `${PROD}.observability.alerting.escalation.P4.responseHours = 200: at most 168 hours (a week)`,
    ],
    [
      "an app environment variable a shell cannot name",
      (c: ReturnType<typeof shippedConfig>) => (c.environments.production.platform.appEnvironment = { "node-env": "production" }),
      `${PROD}.platform.appEnvironment.node-env = "node-env": an environment variable name: capitals, digits and underscores`,
    ],
  ])("refuses %s in one line", (_what, mutate, line) => {
    const config = shippedConfig();
    mutate(config);
    expect(problemsOf(() => loadPlatformConfig(config))).toEqual([line]);
  });
});

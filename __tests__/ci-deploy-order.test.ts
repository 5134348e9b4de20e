import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { FIXTURES, runScript } from "./fixtures/ci/harness";

/** scripts/ci/deploy-order.mjs: waves from the manifest of the shipped app, and running them. */

const MANIFEST = path.join(FIXTURES, "manifest.json");
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "deploy-order-"));
});

function manifest(dependencies: Record<string, string[]>): string {
  const file = path.join(work, `manifest-${Object.keys(dependencies).join("-").length}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ stacks: Object.fromEntries(Object.entries(dependencies).map(([name, deps]) => [name, { name, dependencies: deps }])) }));
  return file;
}

describe("deploy waves", () => {
  it("order production's stacks by their dependencies, independent stacks together", async () => {
    const result = await runScript("deploy-order.mjs", ["--manifest", MANIFEST, "--environment", "production", "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      parallel: 2,
      waves: [
        ["cryptopulse-production-network-ams3", "cryptopulse-production-network-fra1"],
        ["cryptopulse-production-cluster-fra1"],
        ["cryptopulse-production-data-fra1"],
        ["cryptopulse-production-platform-fra1"],
      ],
      external: {},
    });
  });

  it("print one wave per line", async () => {
    const result = await runScript("deploy-order.mjs", ["--manifest", MANIFEST, "--environment", "staging"]);
    expect(result).toEqual({
      status: 0,
      stdout: "cryptopulse-staging-network-fra1\ncryptopulse-staging-cluster-fra1\ncryptopulse-staging-data-fra1\ncryptopulse-staging-platform-fra1\n",
      stderr: "",
    });
  });

  it("leave dependencies outside the selection to another run", async () => {
    const result = await runScript("deploy-order.mjs", ["--manifest", MANIFEST, "--stack", "cryptopulse-staging-platform-fra1", "--stack", "cryptopulse-staging-data-fra1", "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      waves: [["cryptopulse-staging-data-fra1"], ["cryptopulse-staging-platform-fra1"]],
      external: { "cryptopulse-staging-data-fra1": ["cryptopulse-staging-network-fra1", "cryptopulse-staging-cluster-fra1"], "cryptopulse-staging-platform-fra1": ["cryptopulse-staging-cluster-fra1"] },
    });
  });

  it("refuse a dependency cycle, an unknown stack and an empty environment", async () => {
    const cyclic = manifest({ "cryptopulse-qa-a": ["cryptopulse-qa-b"], "cryptopulse-qa-b": ["cryptopulse-qa-a"], "cryptopulse-qa-c": [] });
    expect(await runScript("deploy-order.mjs", ["--manifest", cyclic, "--environment", "qa"])).toMatchObject({
      status: 2,
      stderr: "deploy-order: dependency cycle among cryptopulse-qa-a, cryptopulse-qa-b\n",
    });
    expect(await runScript("deploy-order.mjs", ["--manifest", MANIFEST, "--stack", "cryptopulse-qa-x"])).toMatchObject({ status: 2, stderr: "deploy-order: no stack cryptopulse-qa-x in the manifest\n" });
    expect(await runScript("deploy-order.mjs", ["--manifest", MANIFEST, "--environment", "qa"])).toMatchObject({ status: 2, stderr: expect.stringContaining("no stacks for environment qa") });
    expect(await runScript("deploy-order.mjs", ["--manifest", MANIFEST, "--environment", "qa", "--parallel", "0"])).toMatchObject({ status: 2 });
  });
});

describe("running the waves", () => {
  /** A fake deploy: logs start and end with a timestamp, sleeps, fails for stacks named in FAIL. */
  const FAKE = `
    const fs = require("fs");
    const [log, stack] = process.argv.slice(1);
    fs.appendFileSync(log, "start " + stack + "\\n");
    setTimeout(() => {
      fs.appendFileSync(log, "end " + stack + "\\n");
      process.exit((process.env.FAIL || "").split(",").includes(stack) ? 3 : 0);
    }, 400);
  `;

  async function run(manifestFile: string, environment: string, parallel: number, fail = "") {
    const log = path.join(work, `log-${Math.random().toString(36).slice(2)}`);
    writeFileSync(log, "");
    const result = await runScript("deploy-order.mjs", ["--manifest", manifestFile, "--environment", environment, "--parallel", String(parallel), "--run", "--", process.execPath, "-e", FAKE, log, "{stack}"], {
      env: { FAIL: fail },
    });
    return { result, events: readFileSync(log, "utf8").trim().split("\n") };
  }

  it("starts a wave only after the previous one finished, at most --parallel at once", async () => {
    const wide = manifest({ "cryptopulse-qa-a": [], "cryptopulse-qa-b": [], "cryptopulse-qa-c": [], "cryptopulse-qa-d": ["cryptopulse-qa-a", "cryptopulse-qa-b", "cryptopulse-qa-c"] });
    const { result, events } = await run(wide, "qa", 2);
    expect(result.status).toBe(0);
    let running = 0;
    let peak = 0;
    for (const event of events) {
      running += event.startsWith("start") ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(events.indexOf("start cryptopulse-qa-d")).toBeGreaterThan(Math.max(...["a", "b", "c"].map((name) => events.indexOf(`end cryptopulse-qa-${name}`))));
    expect(result.stdout).toContain("[cryptopulse-qa-d] exit status 0");
    expect(result.stdout).toContain("ok   cryptopulse-qa-d (wave 2)");
  });

  it("stops before the next wave when a stack fails, and says what it skipped", async () => {
    const { result, events } = await run(MANIFEST, "staging", 2, "cryptopulse-staging-cluster-fra1");
    expect(result.status).toBe(1);
    expect(events).toEqual(["start cryptopulse-staging-network-fra1", "end cryptopulse-staging-network-fra1", "start cryptopulse-staging-cluster-fra1", "end cryptopulse-staging-cluster-fra1"]);
    expect(result.stdout).toContain("FAIL cryptopulse-staging-cluster-fra1 (wave 2)");
    expect(result.stdout).toContain("skip cryptopulse-staging-data-fra1 (an earlier wave failed)\nskip cryptopulse-staging-platform-fra1 (an earlier wave failed)");
  });
});

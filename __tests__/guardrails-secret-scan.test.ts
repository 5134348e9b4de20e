import { spawnSync } from "child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const appCommand = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app as string;
const SCAN = path.join(root, "scripts", "secret-scan.mjs");

/** Known fake credentials, injected the way CI and operators set the real ones. */
const TEST_SECRETS = {
  DIGITALOCEAN_TOKEN: `dop_v1_${"3f9a".repeat(16)}`,
  CLOUDFLARE_API_TOKEN: "cf-test-token-7Qx2VbN9mK4pLs8RtY6wZ3Hd",
  SPACES_ACCESS_KEY_ID: "DO00TESTKEY123456789",
  SPACES_SECRET_ACCESS_KEY: "testSpacesSecretKey/0123456789abcdefghijklm",
  TF_VAR_alerts_slack_webhook_url: "https://hooks.slack.com/services/T0TEST0000/B0TEST0000/testwebhooksecret0123",
};

function scan(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [SCAN, ...args], { cwd: root, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
}

function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), "cryptopulse-scan-"));
}

describe("secret scan of cdktf.out", () => {
  // Synthesized once with the test secrets in the environment, exactly as the app runs under cdktf.
  const outdir = path.join(scratch(), "out");
  const synth = spawnSync(appCommand, { shell: true, cwd: root, env: { PATH: process.env.PATH, ...TEST_SECRETS, CDKTF_OUTDIR: outdir }, encoding: "utf8" });

  it("finds none of the injected test secrets and no secret pattern in the synthesized output", () => {
    expect(synth.status).toBe(0);
    const run = scan([outdir], TEST_SECRETS);
    expect(run.stdout).toContain(`credential variable(s): ${Object.keys(TEST_SECRETS).join(", ")}`);
    expect(run.stdout.trim().split("\n").pop()).toMatch(/^\d+ passed, 0 failed$/);
    expect(run.status).toBe(0);
  });

  it("fails on an injected secret's value, naming the file, the JSON path and the variable but not the value", () => {
    const copy = scratch();
    cpSync(outdir, copy, { recursive: true });
    const stackFile = path.join(copy, "stacks", "cryptopulse-staging-network-fra1", "cdk.tf.json");
    const json = JSON.parse(readFileSync(stackFile, "utf8"));
    json.provider.digitalocean[0].api_endpoint = `https://api.example.com/?t=${TEST_SECRETS.CLOUDFLARE_API_TOKEN}`;
    writeFileSync(stackFile, JSON.stringify(json));

    const run = scan([copy], TEST_SECRETS);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("cdk.tf.json: provider.digitalocean[0].api_endpoint: contains the value of $CLOUDFLARE_API_TOKEN");
    expect(run.stdout).not.toContain(TEST_SECRETS.CLOUDFLARE_API_TOKEN);
    expect(run.stdout.trim().split("\n").pop()).toMatch(/^\d+ passed, 1 failed$/);
  });

  it.each([
    ["a DigitalOcean token", `dop_v1_${"0a".repeat(32)}`, "digitalocean-token"],
    ["a Slack webhook", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "slack-webhook"],
    ["a private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", "private-key"],
    ["a JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXBhcnQ", "jwt"],
    ["a password in a URL", "postgresql://doadmin:AVNS_x9kLm2Qp@db.internal:25060/defaultdb", "url-credentials"],
  ])("fails on %s without any variable set", (_what, secret, pattern) => {
    const copy = scratch();
    writeFileSync(path.join(copy, "leak.json"), JSON.stringify({ resource: { x: { y: { description: secret } } } }));
    const run = scan([copy]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`leak.json: resource.x.y.description: matches secret pattern ${pattern}`);
  });

  it("reads cdktf's // metadata (output names under attribute keys) as names, not credentials", () => {
    const name = "cross-stack-output-digitalocean_database_clusterpg_49ADBDAApassword";
    const metadata = scratch();
    writeFileSync(path.join(metadata, "cdk.tf.json"), JSON.stringify({ "//": { outputs: { data: { "cross-stack-output-x": { pg: { password: name } } } } } }));
    expect(scan([metadata]).status).toBe(0);
    const attribute = scratch();
    writeFileSync(path.join(attribute, "cdk.tf.json"), JSON.stringify({ resource: { x: { y: { password: name } } } }));
    expect(scan([attribute]).stdout).toContain("resource.x.y.password: matches secret pattern password-assignment");
  });

  it("with --canaries synthesizes with fake credentials of every kind itself and finds none of them", () => {
    const run = scan(["--canaries", outdir]);
    expect(run.stdout).toMatch(/\(with canaries\): DIGITALOCEAN_TOKEN, .*CLOUDFLARE_API_TOKEN, TF_VAR_alerts_slack_webhook_url/);
    expect(run.status).toBe(0);
  });
});

import { readRuntimeOptions } from "../config/runtime";
import { problemsOf } from "./helpers";

const KNOWN = ["staging", "production"];

describe("runtime options from environment variables", () => {
  it("defaults to every environment and the local backend, needing no credentials", () => {
    expect(readRuntimeOptions({}, KNOWN)).toEqual({ environments: undefined, state: { kind: "local" }, endpoints: {} });
  });

  it("filters environments by a comma-separated list", () => {
    expect(readRuntimeOptions({ CRYPTOPULSE_ENVIRONMENTS: " production , staging" }, KNOWN).environments).toEqual(["production", "staging"]);
  });

  it("reads the Terraform Cloud organization, hostname and project", () => {
    const options = readRuntimeOptions(
      { CRYPTOPULSE_STATE_BACKEND: "cloud", CRYPTOPULSE_TFC_ORGANIZATION: "cryptopulse", CRYPTOPULSE_TFC_PROJECT: "platform" },
      KNOWN,
    );
    expect(options.state).toEqual({ kind: "cloud", organization: "cryptopulse", hostname: "app.terraform.io", project: "platform" });
  });

  it("reads the Spaces bucket, its region and the key prefix", () => {
    const options = readRuntimeOptions(
      { CRYPTOPULSE_STATE_BACKEND: "s3", CRYPTOPULSE_STATE_BUCKET: "cryptopulse-state", CRYPTOPULSE_STATE_REGION: "ams3" },
      KNOWN,
    );
    expect(options.state).toEqual({ kind: "s3", bucket: "cryptopulse-state", region: "ams3", keyPrefix: "cryptopulse" });
  });

  const cases: [string, NodeJS.ProcessEnv, string][] = [
    [
      "an unknown environment in the filter",
      { CRYPTOPULSE_ENVIRONMENTS: "production,qa" },
      'CRYPTOPULSE_ENVIRONMENTS = "production,qa": unknown environment "qa"; allowed: staging, production',
    ],
    [
      "a filter of separators only",
      { CRYPTOPULSE_ENVIRONMENTS: ",," },
      'CRYPTOPULSE_ENVIRONMENTS = ",,": selects no environment: name one or more, comma-separated (allowed: staging, production), or unset it for all',
    ],
    [
      "a filter that is set but empty",
      { CRYPTOPULSE_ENVIRONMENTS: "" },
      'CRYPTOPULSE_ENVIRONMENTS = "": selects no environment: name one or more, comma-separated (allowed: staging, production), or unset it for all',
    ],
    [
      "an unknown backend kind",
      { CRYPTOPULSE_STATE_BACKEND: "consul" },
      'CRYPTOPULSE_STATE_BACKEND = "consul": unknown state backend; allowed: local, cloud, s3',
    ],
    [
      "Terraform Cloud without an organization",
      { CRYPTOPULSE_STATE_BACKEND: "cloud" },
      "CRYPTOPULSE_TFC_ORGANIZATION = (missing): required when CRYPTOPULSE_STATE_BACKEND=cloud (the Terraform Cloud organization)",
    ],
    [
      "a Terraform Cloud host name of dots only",
      { CRYPTOPULSE_STATE_BACKEND: "cloud", CRYPTOPULSE_TFC_ORGANIZATION: "cryptopulse", CRYPTOPULSE_TFC_HOSTNAME: "..." },
      'CRYPTOPULSE_TFC_HOSTNAME = "...": a host name such as app.terraform.io',
    ],
    [
      "Spaces without a bucket",
      { CRYPTOPULSE_STATE_BACKEND: "s3", CRYPTOPULSE_STATE_REGION: "fra1" },
      "CRYPTOPULSE_STATE_BUCKET = (missing): required when CRYPTOPULSE_STATE_BACKEND=s3 (the Spaces bucket holding state)",
    ],
    [
      "Spaces in an unknown region",
      { CRYPTOPULSE_STATE_BACKEND: "s3", CRYPTOPULSE_STATE_BUCKET: "state", CRYPTOPULSE_STATE_REGION: "mars1" },
      'CRYPTOPULSE_STATE_REGION = "mars1": unknown Spaces region; allowed: ams3, atl1, blr1, fra1, lon1, nyc3, sfo2, sfo3, sgp1, syd1, tor1',
    ],
    [
      "a bucket name Spaces would refuse",
      { CRYPTOPULSE_STATE_BACKEND: "s3", CRYPTOPULSE_STATE_BUCKET: "My_Bucket", CRYPTOPULSE_STATE_REGION: "fra1" },
      'CRYPTOPULSE_STATE_BUCKET = "My_Bucket": a Spaces bucket name: 3-63 lowercase letters, digits or dashes',
    ],
    [
      "an API endpoint that is not an http(s) URL",
      { CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: "api.digitalocean.com" },
      'CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT = "api.digitalocean.com": an absolute https:// or http:// URL without credentials',
    ],
    [
      "an API endpoint with credentials in it (they would land in the synthesized JSON)",
      { CRYPTOPULSE_CLOUDFLARE_BASE_URL: "https://user:secret@cf.internal/client/v4" },
      'CRYPTOPULSE_CLOUDFLARE_BASE_URL = "https://user:secret@cf.internal/client/v4": an absolute https:// or http:// URL without credentials',
    ],
    [
      "an API endpoint on port 0",
      { CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: "http://127.0.0.1:0/" },
      'CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT = "http://127.0.0.1:0/": port 0 is out of range: ports are 1-65535',
    ],
    [
      "a chart repository on a port past 65535",
      { CRYPTOPULSE_CHART_REPOSITORY: "oci://registry.internal:65536/charts" },
      'CRYPTOPULSE_CHART_REPOSITORY = "oci://registry.internal:65536/charts": port 65536 is out of range: ports are 1-65535',
    ],
    [
      "a chart repository with another scheme",
      { CRYPTOPULSE_CHART_REPOSITORY: "ftp://charts.internal" },
      'CRYPTOPULSE_CHART_REPOSITORY = "ftp://charts.internal": an absolute https:// or http:// or oci:// URL without credentials',
    ],
  ];

  it("reads the service endpoints; unset ones stay the public services", () => {
    const env = {
      CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: "https://do.mirror.internal",
      CRYPTOPULSE_SPACES_ENDPOINT: "https://{{.Region}}.spaces.internal",
      CRYPTOPULSE_CLOUDFLARE_BASE_URL: " http://127.0.0.1:8080/client/v4 ",
      CRYPTOPULSE_CHART_REPOSITORY: "oci://registry.internal/charts",
    };
    expect(readRuntimeOptions(env, KNOWN).endpoints).toEqual({
      digitaloceanApi: "https://do.mirror.internal",
      spaces: "https://{{.Region}}.spaces.internal",
      cloudflareApi: "http://127.0.0.1:8080/client/v4",
      chartRepository: "oci://registry.internal/charts",
    });
    expect(readRuntimeOptions({ CRYPTOPULSE_CHART_REPOSITORY: "https://charts.internal" }, KNOWN).endpoints).toEqual({
      chartRepository: "https://charts.internal",
    });
  });

  it.each(cases)("rejects %s with one clear line", (_name, env, expected) => {
    expect(problemsOf(() => readRuntimeOptions(env, KNOWN))).toEqual([expected]);
  });
});

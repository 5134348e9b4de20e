import { startApiStub } from "../scripts/rehearsal/api-stub.mjs";
import { fakeUuid } from "../scripts/rehearsal/fixtures.mjs";
import { appliedValues, blockType, outputsState } from "../scripts/rehearsal/state.mjs";

/**
 * The plan rehearsal's own parts (npm run test:plan runs the whole of it against the real engine in CI): the
 * loopback API stand-in and the state it writes for the consumers.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const world = () => ({
  clusters: [{ name: "cryptopulse-staging-fra1", region: "fra1" }],
  zones: ["cryptopulse-staging.com"],
  loadBalancers: [] as { name: string; region: string }[],
  databaseIds: new Set([fakeUuid("db")]),
  caCertificatePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
});

describe("the API stand-in", () => {
  let stub: Awaited<ReturnType<typeof startApiStub>>;
  const known = world();
  beforeAll(async () => {
    stub = await startApiStub({ world: known, chartsDir: __dirname });
  });
  afterAll(() => stub.close());
  const get = (path: string) => fetch(`${stub.url}${path}`);
  const json = async (path: string): Promise<Json> => (await get(path)).json();

  it("listens on loopback only", () => {
    expect(new URL(stub.url).hostname).toBe("127.0.0.1");
  });

  it("finds a cluster of the world by listing, and its credentials by id", async () => {
    const list = await json("/v2/kubernetes/clusters?page=1&per_page=200");
    expect(list.kubernetes_clusters.map((c: { name: string }) => c.name)).toEqual(["cryptopulse-staging-fra1"]);
    expect(list.meta).toEqual({ total: 1 });
    const credentials = await json(`/v2/kubernetes/clusters/${list.kubernetes_clusters[0].id}/credentials`);
    expect(Buffer.from(credentials.certificate_authority_data, "base64").toString()).toBe(known.caCertificatePem);
    expect((await get(`/v2/kubernetes/clusters/${fakeUuid("other")}/credentials`)).status).toBe(404);
  });

  it("knows a database's CA only for the ids the producers' outputs hold", async () => {
    expect((await get(`/v2/databases/${fakeUuid("db")}/ca`)).status).toBe(200);
    const missing = await get(`/v2/databases/${fakeUuid("nope")}/ca`);
    expect(missing.status).toBe(404);
    expect((await missing.json()) as Json).toEqual({ id: "not_found", message: "The resource you were accessing could not be found." });
  });

  it("sees a load balancer only once a platform plan names it", async () => {
    expect((await json("/v2/load_balancers")).load_balancers).toEqual([]);
    known.loadBalancers.push({ name: "cryptopulse-staging-fra1-ingress", region: "fra1" });
    expect((await json("/v2/load_balancers")).load_balancers.map((lb: { name: string }) => lb.name)).toEqual(["cryptopulse-staging-fra1-ingress"]);
  });

  it("answers a zone by name and by id in Cloudflare's envelope", async () => {
    const byName = await json("/client/v4/zones?name=cryptopulse-staging.com");
    expect(byName).toMatchObject({ success: true, errors: [], result_info: { count: 1 } });
    const byId = await json(`/client/v4/zones/${byName.result[0].id}`);
    expect(byId.result.name).toBe("cryptopulse-staging.com");
    expect((await json("/client/v4/zones?name=other.com")).result).toEqual([]);
  });

  it("answers 501 to anything else and records it with method and path", async () => {
    const response = await fetch(`${stub.url}/v2/droplets?tag_name=x`, { method: "GET" });
    expect(response.status).toBe(501);
    await fetch(`${stub.url}/v2/vpcs`, { method: "POST", body: "{}" });
    expect(stub.unknown.slice(0, 2)).toEqual(["GET /v2/droplets?tag_name=x", "POST /v2/vpcs"]);
  });

  it("serves the chart folder under /charts/ and nothing outside it", async () => {
    expect((await get("/charts/rehearsal-parts.test.ts")).status).toBe(200);
    // A dot-dot segment never leaves the folder (the URL is normalized first, so it is no chart request at all).
    expect((await get("/charts/%2e%2e/package.json")).status).not.toBe(200);
    expect((await get("/charts/..%2fpackage.json")).status).toBe(404);
  });
});

describe("the state the consumers read", () => {
  const schemas = {
    provider_schemas: {
      "registry.terraform.io/digitalocean/digitalocean": {
        resource_schemas: {
          digitalocean_database_cluster: {
            version: 0,
            block: {
              attributes: {
                id: { type: "string" }, port: { type: "number" }, private_uri: { type: "string" },
                metrics_endpoints: { type: ["list", "string"] }, engine: { type: "string" },
              },
              block_types: { maintenance_window: { nesting_mode: "list", block: { attributes: { day: { type: "string" } } } } },
            },
          },
        },
      },
    },
  };
  const stack = {
    resource: { digitalocean_database_cluster: { pg: { engine: "pg" }, cache: { engine: "valkey" } } },
    output: {
      id: { value: "${digitalocean_database_cluster.pg.id}", sensitive: true },
      port: { value: "${digitalocean_database_cluster.pg.port}" },
      endpoints: { value: "${digitalocean_database_cluster.pg.metrics_endpoints}" },
      uris: { value: { cache: "${digitalocean_database_cluster.cache.private_uri}" } },
      template: { value: "postgresql://${digitalocean_database_cluster.pg.id}/db" },
    },
  };

  it("types each declared output by the provider schema of what it references", () => {
    const outputs: Record<string, Json> = outputsState(stack, schemas);
    expect(outputs.id).toEqual({ value: expect.stringMatching(/^[0-9a-f-]{36}$/), type: "string", sensitive: true });
    expect(outputs.port).toEqual({ value: 25060, type: "number" });
    expect(outputs.endpoints.type).toEqual(["list", "string"]);
    expect(outputs.uris).toEqual({ value: { cache: expect.stringMatching(/^rediss:\/\//) }, type: ["object", { cache: "string" }] });
    expect(outputs.template.type).toBe("string");
    expect(outputsState(stack, schemas)).toEqual(outputs);
  });

  it("names the output an expression cannot be typed for", () => {
    expect(() => outputsState({ output: { x: { value: "${digitalocean_vpc.v.id}" } } }, schemas)).toThrow("output x: no schema for digitalocean_vpc.id");
  });

  it("fills only what the plan left unknown, with values of the schema's types", () => {
    const type = blockType(schemas.provider_schemas["registry.terraform.io/digitalocean/digitalocean"].resource_schemas.digitalocean_database_cluster.block);
    const values = appliedValues({ engine: "pg", maintenance_window: [{ day: "sunday" }] }, { id: true, port: true }, type, { type: "digitalocean_database_cluster", seed: "pg", name: "pg" });
    expect(values).toEqual({ engine: "pg", maintenance_window: [{ day: "sunday" }], id: expect.stringMatching(/^[0-9a-f-]{36}$/), port: 25060 });
  });
});

// Responses of the loopback stand-in for the Terraform Cloud API (scripts/rehearsal/tfc-stub.mjs). Each one has the
// shape of the real API's response as its reference documents it (cited above each builder): JSON:API documents,
// https://developer.hashicorp.com/terraform/cloud-docs/api-docs#json-api-documents.
//
// What tfe provider 0.71.0 asks while it plans the bootstrap's first apply, as the rehearsal observed it: service
// discovery and the ping, once per engine run (it reads no organization or other object: every resource is new and
// the stack has no tfe data source). A new data source, or a provider upgrade that reads more, shows up as an
// unknown request: add a builder here, shaped like the API reference's response (cite it), and a route.

/**
 * GET /.well-known/terraform.json — https://developer.hashicorp.com/terraform/internals/remote-service-discovery
 * The services HCP Terraform announces (its live document, less the checkpoint service on another host).
 */
export function serviceDiscovery() {
  return {
    'modules.v1': '/api/registry/v1/modules/',
    'motd.v1': '/api/terraform/motd',
    'state.v2': '/api/v2/',
    'tfe.v2': '/api/v2/',
    'tfe.v2.1': '/api/v2/',
    'tfe.v2.2': '/api/v2/',
    'providers.v1': '/api/registry/v1/providers/',
    'login.v1': { client: 'terraform-cli', grant_types: ['authz_code'], authz: '/app/oauth/authorize', token: '/oauth/token', ports: [10000, 10010] },
  };
}

/**
 * GET /api/v2/ping: 204 without a body; the client reads the API version and the rate limit from the headers —
 * https://developer.hashicorp.com/terraform/cloud-docs/api-docs#rate-limiting and the go-tfe client's metadata read.
 */
export function pingHeaders() {
  return { 'TFP-API-Version': '2.6', 'TFP-AppName': 'HCP Terraform', 'X-RateLimit-Limit': '30' };
}

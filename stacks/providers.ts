import type { Construct } from "constructs";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { DigitaloceanProvider } from "@cdktf/provider-digitalocean/lib/provider";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { serviceEndpointsOf } from "../constructs/core/service-endpoints";

/**
 * Providers a stack can ask for. Each one is configured without credentials:
 * the provider binaries read them from the environment at plan/apply time
 * (DIGITALOCEAN_TOKEN, SPACES_ACCESS_KEY_ID / SPACES_SECRET_ACCESS_KEY,
 * CLOUDFLARE_API_TOKEN), so no token is ever written into code or JSON.
 * (tls needs no credentials: it generates keys and certificate requests.)
 * The API endpoints are the public ones unless the runtime settings name
 * others (CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT, CRYPTOPULSE_SPACES_ENDPOINT,
 * CRYPTOPULSE_CLOUDFLARE_BASE_URL).
 */
export const PROVIDERS = {
  digitalocean: (scope: Construct) => {
    const { digitaloceanApi, spaces } = serviceEndpointsOf(scope);
    return new DigitaloceanProvider(scope, "digitalocean", {
      ...(digitaloceanApi === undefined ? {} : { apiEndpoint: digitaloceanApi }),
      ...(spaces === undefined ? {} : { spacesEndpoint: spaces }),
    });
  },
  cloudflare: (scope: Construct) => {
    const { cloudflareApi } = serviceEndpointsOf(scope);
    return new CloudflareProvider(scope, "cloudflare", cloudflareApi === undefined ? {} : { baseUrl: cloudflareApi });
  },
  tls: (scope: Construct) => new TlsProvider(scope, "tls", {}),
} as const;

export type ProviderName = keyof typeof PROVIDERS;

/**
 * The bootstrap stack's provider: Terraform Cloud of `organization` at `hostname`. Its token
 * comes from TFE_TOKEN (or the CLI credentials of the host), never from code.
 */
export function terraformCloudProvider(scope: Construct, options: { readonly hostname: string; readonly organization: string }): TfeProvider {
  return new TfeProvider(scope, "tfe", { hostname: options.hostname, organization: options.organization });
}

/**
 * The environment variables each provider (by Terraform type) reads its
 * credentials from: what a Terraform Cloud run of a stack needs in its
 * variable set. Kubernetes and Helm get theirs from the cluster lookup.
 */
export const PROVIDER_CREDENTIALS: Readonly<Record<string, readonly string[]>> = {
  digitalocean: ["DIGITALOCEAN_TOKEN", "SPACES_ACCESS_KEY_ID", "SPACES_SECRET_ACCESS_KEY"],
  cloudflare: ["CLOUDFLARE_API_TOKEN"],
};

import type { Construct } from "constructs";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { DigitaloceanProvider } from "@cdktf/provider-digitalocean/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";

/**
 * Providers a stack can ask for. Each one is configured without credentials:
 * the provider binaries read them from the environment at plan/apply time
 * (DIGITALOCEAN_TOKEN, SPACES_ACCESS_KEY_ID / SPACES_SECRET_ACCESS_KEY,
 * CLOUDFLARE_API_TOKEN), so no token is ever written into code or JSON.
 * (tls needs no credentials: it generates keys and certificate requests.)
 */
export const PROVIDERS = {
  digitalocean: (scope: Construct) => new DigitaloceanProvider(scope, "digitalocean", {}),
  cloudflare: (scope: Construct) => new CloudflareProvider(scope, "cloudflare", {}),
  tls: (scope: Construct) => new TlsProvider(scope, "tls", {}),
} as const;

export type ProviderName = keyof typeof PROVIDERS;

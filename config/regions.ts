/**
 * DigitalOcean regions this platform can run in.
 *
 * Every region of an environment gets a VPC and (later) a Spaces backup bucket,
 * so only datacenters that offer VPCs, DOKS *and* Spaces are listed. Adding a
 * slug here is the only code change needed to use a new region.
 */
export const SUPPORTED_REGIONS = [
  "ams3",
  "atl1",
  "blr1",
  "fra1",
  "lon1",
  "nyc3",
  "sfo2",
  "sfo3",
  "sgp1",
  "syd1",
  "tor1",
] as const;

export type RegionSlug = (typeof SUPPORTED_REGIONS)[number];

export function isSupportedRegion(value: string): value is RegionSlug {
  return (SUPPORTED_REGIONS as readonly string[]).includes(value);
}

/** The S3-compatible endpoint of Spaces in a region (used by the state backend and buckets). */
export function spacesEndpoint(region: RegionSlug): string {
  return `https://${region}.digitaloceanspaces.com`;
}

// The names the platform gives: stacks (also their Terraform Cloud workspaces and state keys),
// the environment's resources and its buckets. Plain JavaScript with JSDoc types, so that the
// stacks and the cost CLI (TypeScript) and the workflow scripts (node, no build step) read the
// one rule instead of each writing it again.

/** The first word of every name. */
export const PROJECT = 'cryptopulse';

/** The layers of the platform, one stack kind each, in deploy order of their first stack. */
export const LAYER_NAMES = /** @type {const} */ (['network', 'cluster', 'data', 'platform', 'backup', 'edge']);

/**
 * The bootstrap stack's name. No environment's stacks can match it (`cryptopulse-<env>-…` has a
 * dash after the environment), so the per-environment flows (deploy-order --environment,
 * 'cryptopulse-<env>-*') never select it.
 */
export const BOOTSTRAP_STACK_NAME = `${PROJECT}-bootstrap`;

/**
 * `cryptopulse-<env>`: the environment's own prefix, on its DigitalOcean project, resource names,
 * tags and Terraform Cloud variable set.
 * @param {string} environment
 * @returns {string}
 */
export function environmentPrefix(environment) {
  return `${PROJECT}-${environment}`;
}

/**
 * `cryptopulse-<env>-<region>`: a regional resource of the environment (its VPC, its cluster).
 * @param {string} environment
 * @param {string} region
 * @returns {string}
 */
export function regionalName(environment, region) {
  return `${environmentPrefix(environment)}-${region}`;
}

/**
 * `cryptopulse-<env>-<layer>[-<region>]`: also the Terraform Cloud workspace and the state key.
 * @param {string} environment
 * @param {(typeof LAYER_NAMES)[number]} layer
 * @param {string} [region] set for per-region stacks
 * @returns {string}
 */
export function stackName(environment, layer, region) {
  return [environmentPrefix(environment), layer, region].filter(Boolean).join('-');
}

const STACK_NAME = new RegExp(`^${PROJECT}-(.+?)-(${LAYER_NAMES.join('|')})(?:-([a-z]+\\d+))?$`);

/**
 * Environment, layer and region of a stack name; undefined for any other name (the bootstrap stack).
 * @param {string} name
 * @returns {{ environment: string, layer: (typeof LAYER_NAMES)[number], region: string | undefined } | undefined}
 */
export function parseStackName(name) {
  const match = STACK_NAME.exec(name);
  if (!match) return undefined;
  const layer = /** @type {(typeof LAYER_NAMES)[number]} */ (match[2]);
  return { environment: match[1], layer, region: match[3] };
}

/**
 * `<bucketPrefix>-<env>[-<purpose>]-<region>`: Spaces bucket names are global across every
 * DigitalOcean customer, so they start with the account's own prefix instead of the project's.
 * @param {string} bucketPrefix
 * @param {string} environment
 * @param {string} region
 * @param {string} [purpose] e.g. "logs"; none for the backup buckets
 * @returns {string}
 */
export function bucketName(bucketPrefix, environment, region, purpose) {
  return [bucketPrefix, environment, purpose, region].filter(Boolean).join('-');
}

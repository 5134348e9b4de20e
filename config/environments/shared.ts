import { SEED_APP_ENV, SEED_AUTH, SEED_BACKUP, SEED_FUNCTIONS, SEED_FUNCTIONS_ENV, SEED_RATE_LIMITS } from "../seed";

/**
 * What every environment of the account shares: who may do what in the
 * clusters, the names of the sensitive variables, the backup bucket prefix,
 * recipients and image, the mail relay. An environment file spreads these and
 * states only what differs.
 */

/** The guide's nginx rate limits, the same at every environment's ingress. */
export const INGRESS_RATE_LIMITS = SEED_RATE_LIMITS;

export const SHARED_PLATFORM = {
  // The guide's Node.js 18 is past its end of life (2025-04-30). 24 is an LTS line with fixes
  // until 2028-04-30; 22 would be supported too, but only until 2027-04-30, which means another
  // major upgrade within five months. Build every app image FROM node:24 (config/platform.ts
  // lists the accepted lines).
  runtime: { nodeMajor: 24 },
  appEnvironment: SEED_APP_ENV,
  auth: SEED_AUTH,
  functions: { ...SEED_FUNCTIONS, environment: SEED_FUNCTIONS_ENV },
  rbac: { developerGroups: ["cryptopulse:developers"], deployerGroups: ["cryptopulse:deployers"] },
  secrets: { jwtSecretVariable: "app_jwt_secret", exchangeKeyVariable: "exchange_secrets_key" },
};

export const SHARED_BACKUP = {
  bucketPrefix: "cryptopulse-b7k2",
  // The operators' age public keys (their identities are kept offline): replace with your own before the first apply.
  recipients: ["age1j3namta3vm9r689d433p7ae8mslextuz59f3pyf6xmql7vst2y3svutwm3"],
  image: { repository: "registry.digitalocean.com/cryptopulse/backup-tools", tag: "1.0.0" },
  schedule: { dumpIntervalHours: SEED_BACKUP.dumpIntervalHours, dumpRetentionDays: SEED_BACKUP.dumpRetentionDays, configRetentionDays: SEED_BACKUP.configRetentionDays },
};

/** The mail relay's account: replace with your own (SendGrid's SMTP user is literally "apikey"). */
export const SHARED_SMTP = {
  smarthost: "smtp.sendgrid.net:587",
  from: "alerts@cryptopulse.app",
  username: "apikey",
  passwordVariable: "alerts_smtp_password",
} as const;

/**
 * Who is charged for what (`team:` tags, `npm run cost -- --group-by team`). Of the guide's contacts the DevOps Team
 * runs the platform; name a team per layer (`layerTeams`) or per service (`serviceTeams`) as others take some over.
 */
export const SHARED_COST_ALLOCATION = { defaultTeam: "devops" } as const;
